// The audit's sampler: a seeded draw of operations from kept proposals (bench:real --keep DIR), each
// rendered with ±10 lines of its input file around every change, for a reviewer who has not read the
// code. Output goes to a file outside the repository: it quotes people's memory.
// Usage: node bench/real/sample.ts --kept DIR --memory name=DIR… --kind normalize --n 60 --seed 1 --out FILE
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { rng, shuffle } from "./seeded.ts";

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
  evidence: { source: string; path?: string; line?: number; quote: string }[];
}

const memories = new Map((values.memory ?? []).map((m) => m.split("=", 2) as [string, string]));
const pool: { store: string; op: Op }[] = [];
for (const [store] of memories) {
  const manifest = JSON.parse(await readFile(join(values.kept ?? "", store, "manifest.json"), "utf8")) as {
    operations: Op[];
  };
  for (const op of manifest.operations) if (!values.kind || op.kind === values.kind) pool.push({ store, op });
}
shuffle(pool, rng(Number(values.seed)));
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
  // Every side: each cited line the operation does not change (the copy kept, the newer value), ±10.
  for (const ev of op.evidence) {
    const at = ev.line ?? 0;
    if (ev.source !== "memory" || !ev.path) continue;
    if (op.changes.some((c) => c.path === ev.path && at >= c.startLine && at <= c.endLine)) continue;
    const text = (await readFile(join(memories.get(store) ?? "", ev.path), "utf8")).split("\n");
    const from = Math.max(1, at - 10);
    const to = Math.min(text.length, at + 10);
    out.push(
      `Cited and kept: \`${ev.path}\`, lines ${from}-${to} (the cited line is marked ==):`,
      "",
      "```text",
    );
    for (let l = from; l <= to; l++)
      out.push(`${l === at ? "==" : "  "} ${String(l).padStart(5)} | ${text[l - 1] ?? ""}`);
    out.push("```", "");
  }
}
await writeFile(values.out ?? "/tmp/audit-sample.md", `${out.join("\n")}\n`);
process.stdout.write(`${sample.length} of ${pool.length} sampled\n`);
