// Consolidation quality on seeded, labelled memory worlds: dreamd's offline engine beside three
// baselines (no-op, exact-hash, MinHash/LSH Jaccard ≥ 0.9), several seeds and sizes, same run.
// Usage: npm run bench:quality [-- --write docs/quality.md]
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { checkEvidence } from "../src/checks/evidence.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { sha256 } from "../src/fs/atomic.ts";
import { generateWorld } from "./quality/generator.ts";
import { baselines, cleanup, runDreamd } from "./quality/run.ts";
import { type Scores, score } from "./quality/scorer.ts";

const { values } = parseArgs({ options: { write: { type: "string" } } });
const AUDITS = "<!-- audits: written by hand, kept by --write -->";
const SEEDS = [1, 2, 3];
const SIZES: [number, number][] = [
  [40, 30],
  [200, 100],
];

type Row = Scores & { provenance: number; idempotenceOps: number; orderInvariant: number };
// Ablation, same run: the offline engine with a lexicon that knows no word, so every swap looks harmless.
// Without a deletion budget, or the extra merges trip it in the larger worlds and the dream removes nothing.
const ABLATION = "dreamd without lexicon (no deletion budget)";
const blind = createOfflineEngine({
  lexicon: async () => ({ lemmas: () => [], relation: () => "compatible" }),
});
const results: Record<string, Row[]> = {
  dreamd: [],
  [ABLATION]: [],
  ...Object.fromEntries(Object.keys(baselines).map((b) => [b, []])),
};

for (const [size, sessions] of SIZES) {
  for (const seed of SEEDS) {
    const world = generateWorld({ seed, size, sessions });
    const run = await runDreamd(world);
    const m = run.result.manifest;
    const notes = new Map(Object.entries(world.memory).map(([p, t]) => [p, t.split("\n")]));
    const verified = m.operations.filter((op) =>
      op.evidence.every(
        (ev) => ev.source === "session" || checkEvidence(ev, { notes, sessions: new Map() }) === null,
      ),
    ).length;
    const again = await runDreamd({
      ...world,
      memory: Object.fromEntries(Object.entries(run.outcome.store)),
    });
    const shuffled = await runDreamd(world, { shuffle: true });
    const hash = (s: Record<string, string>) => sha256(JSON.stringify(Object.entries(s).sort()));
    results.dreamd?.push({
      ...score(world.labels, run.outcome),
      provenance: verified / Math.max(1, m.operations.length),
      idempotenceOps: again.result.manifest.operations.length,
      orderInvariant: hash(shuffled.outcome.store) === hash(run.outcome.store) ? 1 : 0,
    });
    const ablation = await runDreamd(world, { engine: blind, deletionBudget: 1 });
    results[ABLATION]?.push({
      ...score(world.labels, ablation.outcome),
      provenance: Number.NaN,
      idempotenceOps: Number.NaN,
      orderInvariant: Number.NaN,
    });
    for (const r of [run, again, shuffled, ablation]) await cleanup(r.work);
    for (const [name, baseline] of Object.entries(baselines)) {
      results[name]?.push({
        ...score(world.labels, baseline(world)),
        provenance: Number.NaN,
        idempotenceOps: Number.NaN,
        orderInvariant: Number.NaN,
      });
    }
  }
}

const metrics: [keyof Row, string, string, "mean" | "max" | "min"][] = [
  ["exactP", "exact dup precision", "1", "min"],
  ["exactR", "exact dup recall", "1", "min"],
  ["dedupF1", "dedup F1 (exact+normalized)", "≥ 0.95", "min"],
  ["paraphraseR", "near, contained and paraphrased wordings merged (listed instead, by design)", "", "min"],
  ["dedupF1All", "dedup F1 counting near, contained and paraphrased wordings as merges", "", "min"],
  ["paraphraseListed", "near, contained and paraphrased wordings listed as possible duplicates", "", "min"],
  ["candidateP", "possible duplicates listed that are labelled duplicates", "", "min"],
  ["dedupP", "dedup precision", "", "min"],
  ["dedupR", "dedup recall", "", "min"],
  ["hardNegativeFalseMerge", "hard-negative false merges (a number, id, version differs)", "≤ 0.01", "max"],
  [
    "swapFalseMerge",
    "hard-negative false merges (one word swapped: after/before, cat/dog, pnpm/yarn)",
    "≤ 0.01",
    "max",
  ],
  [
    "twoFactsFalseMerge",
    "hard-negative false merges (two facts alike: another subject, roles swapped, a clause added)",
    "≤ 0.01",
    "max",
  ],
  ["factsLost", "facts lost (no copy of a labelled fact left)", "0", "max"],
  ["currentValue", "current-value accuracy", "≥ 0.97", "min"],
  ["supersededLeft", "superseded values left", "0", "max"],
  ["staleP", "stale items precision (done TODOs, past deadlines, removed things)", "", "min"],
  ["staleR", "stale items recall", "", "min"],
  ["correctionsListed", "session corrections said after the entry, listed beside it", "1", "min"],
  ["correctionsWrong", "session corrections said before the entry (it is newer), listed anyway", "0", "max"],
  ["correctionsKept", "entries a session correction is about, kept (nothing changed by code)", "1", "min"],
  ["switchesApplied", "switches said after the entry (both sides named), applied to it", "1", "min"],
  ["switchesWrong", "switches said before the entry (it is newer), applied anyway", "0", "max"],
  ["relativeDates", "relative dates correct", "1", "min"],
  ["survival", "unique-fact survival", "1", "min"],
  ["patternP", "pattern precision", "≥ 0.9", "min"],
  ["patternR", "pattern recall", "≥ 0.9", "min"],
  ["patternsCite2", "patterns citing ≥ 2 sessions", "1", "min"],
  ["provenance", "provenance (evidence verified)", "1", "min"],
  ["idempotenceOps", "ops on a second dream", "0", "max"],
  ["orderInvariant", "order invariance", "1", "min"],
];
const agg = (rows: Row[], k: keyof Row, how: "mean" | "max" | "min") => {
  const xs = rows.map((r) => r[k] as number);
  if (xs.some(Number.isNaN)) return "—";
  const v =
    how === "max"
      ? Math.max(...xs)
      : how === "min"
        ? Math.min(...xs)
        : xs.reduce((a, b) => a + b, 0) / xs.length;
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
};
const names = Object.keys(results);
const table = [
  `Worlds: sizes ${SIZES.map(([s, n]) => `${s} items/${n} sessions`).join(", ")} × seeds ${SEEDS.join(", ")}; worst case over the ${SEEDS.length * SIZES.length} worlds (min, or max where lower is better).`,
  "",
  `| metric | target | ${names.join(" | ")} |`,
  `| --- | --- | ${names.map(() => "---").join(" | ")} |`,
  ...metrics.map(
    ([k, label, target, how]) =>
      `| ${label} | ${target} | ${names.map((n) => agg(results[n] ?? [], k, how)).join(" | ")} |`,
  ),
].join("\n");
process.stdout.write(`${table}\n`);
if (values.write) {
  // The audits on real stores below the marker are written by hand: regenerating the table keeps them.
  const previous = await readFile(values.write, "utf8").catch(() => "");
  const at = previous.indexOf(AUDITS);
  await writeFile(
    values.write,
    `# Consolidation quality\n\nGenerated by \`npm run bench:quality -- --write docs/quality.md\`.\n\n${table}\n${at < 0 ? "" : `\n${previous.slice(at)}`}`,
  );
}
