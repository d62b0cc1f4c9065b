// The audit's sampler: a seeded draw of operations from kept proposals (bench:real --keep DIR), each
// rendered with ±10 lines of its input file around every change, for a reviewer who has not read the
// code. Output goes to a file outside the repository: it quotes people's memory.
// Usage: node bench/real/sample.ts --kept DIR --memory name=DIR… --kind normalize --n 60 --seed 1 --out FILE
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    kept: { type: "string" },
    memory: { type: "string", multiple: true },
    kind: { type: "string" },
    n: { type: "string", default: "60" },
    seed: { type: "string", default: "1" },
    out: { type: "string" },
  },
});

interface Change {
  path: string;
  startLine: number;
  endLine: number;
  before: string[];
  after: string[];
}
interface Op {
  id: string;
  kind: string;
  reason: string;
  changes: Change[];
}

/** mulberry32: a small seeded generator, so the same seed draws the same sample. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const memories = new Map((values.memory ?? []).map((m) => m.split("=", 2) as [string, string]));
const pool: { store: string; op: Op }[] = [];
for (const [store] of memories) {
  const manifest = JSON.parse(await readFile(join(values.kept ?? "", store, "manifest.json"), "utf8")) as {
    operations: Op[];
  };
  for (const op of manifest.operations) if (!values.kind || op.kind === values.kind) pool.push({ store, op });
}
const random = rng(Number(values.seed));
for (let i = pool.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [pool[i], pool[j]] = [pool[j] as (typeof pool)[number], pool[i] as (typeof pool)[number]];
}
const sample = pool.slice(0, Number(values.n));
const out: string[] = [
  `# Audit sample: ${sample.length} of ${pool.length} ${values.kind ?? ""} operations, seed ${values.seed}`,
  "",
];
let k = 0;
for (const { store, op } of sample) {
  out.push(`## Item ${++k} (${store} ${op.id}, ${op.kind})`, "", `Reason given: ${op.reason}`, "");
  for (const c of op.changes) {
    const text = (await readFile(join(memories.get(store) ?? "", c.path), "utf8")).split("\n");
    const from = Math.max(1, c.startLine - 10);
    const to = Math.min(text.length, c.endLine + 10);
    out.push(`File \`${c.path}\`, lines ${from}-${to} (the changed lines are marked >>):`, "", "```text");
    for (let l = from; l <= to; l++)
      out.push(
        `${l >= c.startLine && l <= c.endLine ? ">>" : "  "} ${String(l).padStart(5)} | ${text[l - 1] ?? ""}`,
      );
    out.push(
      "```",
      "",
      "Proposed replacement of the marked lines:",
      "",
      "```text",
      ...(c.after.length ? c.after : ["(removed)"]),
      "```",
      "",
    );
  }
}
await writeFile(values.out ?? "/tmp/audit-sample.md", `${out.join("\n")}\n`);
process.stdout.write(`${sample.length} of ${pool.length} sampled\n`);
