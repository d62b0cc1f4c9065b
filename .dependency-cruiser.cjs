// The import graph of src/, checked in `npm test` (npm run lint:graph). The pipeline only stays readable
// while its imports run one way: a port that imports its implementations, or a trusted check that imports
// the engine it checks, is how the 13-file cycle of the flat layout came about.
const notTest = "\\.(test|suite)\\.ts$";
// Foundations know nothing of the pipeline that uses them.
const foundation = "^src/(fs|text|memory|snapshot|transcripts|state)/";
const pipeline = "^src/(engine|checks|proposal|dream|schedule|server|docker)/|^src/(cli|main)\\.ts$";

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
      name: "foundations-below-pipeline",
      severity: "error",
      comment:
        "fs/, text/, memory/, snapshot/, transcripts/ and state/ are used by the pipeline, never the reverse.",
      from: { path: foundation, pathNot: notTest },
      to: { path: pipeline },
    },
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
      name: "engines-below-dream",
      severity: "error",
      comment: "Engines propose; they know nothing of proposals, the dream, the schedule or the server.",
      from: { path: "^src/engine/", pathNot: notTest },
      to: { path: "^src/(proposal|dream|schedule|server|docker)/" },
    },
    {
      name: "checks-import-no-engine",
      severity: "error",
      comment: "The trusted side owns its inputs: checks/ never imports what it checks.",
      from: { path: "^src/checks/", pathNot: notTest },
      to: { path: "^src/(engine|proposal|dream|schedule|server|docker)/" },
    },
    {
      name: "proposal-below-dream",
      severity: "error",
      comment: "The proposal side (writer and read side) does not import the dream pipeline.",
      from: { path: "^src/proposal/", pathNot: notTest },
      to: { path: "^src/(engine|dream|schedule|server|docker)/" },
    },
    {
      name: "dream-below-server",
      severity: "error",
      comment: "A dream runs the same from the CLI, the server or a worker thread.",
      from: { path: "^src/(dream|schedule)/", pathNot: notTest },
      to: { path: "^src/(server|docker)/|^src/(cli|main)\\.ts$" },
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
