// The import graph of src/, checked in `npm test` (npm run lint:graph). The pipeline stays readable only
// while its imports run one way: a port that imports its implementations, or a trusted check that imports
// the engine it checks, is how the 13-file cycle of the flat layout came about.
const notTest = "\\.(test|suite)\\.ts$";

// The folders of src/, lowest first: each may import the folders before it (and the shared modules
// directly in src/: config, errors, logger, manifest, redact), never one after it. cli.ts and main.ts
// sit above them all.
const LAYERS = [
  "fs",
  "text",
  "memory",
  "snapshot",
  "state",
  "transcripts",
  "checks",
  "engine",
  "proposal",
  "dream",
  "apply",
  "schedule",
  "docker",
  "server",
];

const layerRules = LAYERS.map((layer, i) => ({
  name: `layer-${layer}`,
  severity: "error",
  comment: `src/${layer}/ imports only the layers below it (${LAYERS.slice(0, i).join(", ") || "none"}).`,
  from: { path: `^src/${layer}/`, pathNot: notTest },
  to: {
    path: [...LAYERS.slice(i + 1).map((l) => `^src/${l}/`), "^src/(cli|cli-args|main)\\.ts$"],
  },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No cycle, type-only imports included: each module can be read (and loaded) before its users.",
      from: {},
      to: { circular: true },
    },
    {
      name: "shared-modules-import-no-folder",
      severity: "error",
      comment: "config, errors, logger, manifest and redact are shared by every folder, so they import none.",
      from: { path: "^src/(config|errors|logger|manifest|redact)\\.ts$" },
      to: { path: "^src/[^/]+/" },
    },
    ...layerRules,
    {
      name: "port-imports-no-engine",
      severity: "error",
      comment: "engine/engine.ts is the port: types and EngineStopped only; engine/index.ts picks an engine.",
      from: { path: "^src/engine/engine\\.ts$" },
      to: { path: "^src/engine/(?!engine\\.ts$)" },
    },
    {
      name: "engines-apart",
      severity: "error",
      comment: "An engine imports the port and shared tools, never another engine (a fallback is passed in).",
      from: { path: "^src/engine/([^/]+)/", pathNot: notTest },
      to: { path: "^src/engine/[^/]+/", pathNot: "^src/engine/$1/" },
    },
    {
      name: "sdk-only-in-claude",
      severity: "error",
      comment: "Only the Claude engine loads @anthropic-ai/sdk; engine/index.ts imports it lazily.",
      from: { path: "^src/", pathNot: "^src/engine/claude/" },
      to: { path: "@anthropic-ai/sdk" },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API for dependency-cruiser yet (tsPreCompilationDeps needs one): swc
    // parses the sources instead, and keeps type-only imports, which count: an `import type` cycle is
    // still a cycle to a reader.
    parser: "swc",
    doNotFollow: { path: "node_modules" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
