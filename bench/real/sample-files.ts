// The audit's first step: a seeded draw of note files from the stores, each shown whole with line
// numbers, for a reviewer to mark what the owner would want changed *before* seeing any proposal
// (duplicates, stale claims, contradictions). Output goes outside the repository: it quotes memory.
// Usage: node bench/real/sample-files.ts --memory name=DIR… --n 30 --skip 0 --seed 1 --out FILE
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { parseArgs } from "node:util";
import { rng, shuffle } from "./seeded.ts";

const { values } = parseArgs({
  options: {
    memory: { type: "string", multiple: true },
    n: { type: "string", default: "30" },
    skip: { type: "string", default: "0" },
    seed: { type: "string", default: "1" },
    "min-lines": { type: "string", default: "8" },
    "max-lines": { type: "string", default: "200" },
    out: { type: "string" },
  },
});

async function notesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string) => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      if (d.name.startsWith(".")) continue;
      const abs = join(dir, d.name);
      if (d.isDirectory()) await visit(abs);
      else if (d.isFile() && /\.(md|markdown|txt)$/i.test(d.name))
        out.push(relative(root, abs).split(sep).join("/"));
    }
  };
  await visit(root);
  return out.sort();
}

const pool: { store: string; dir: string; path: string; lines: string[] }[] = [];
for (const m of values.memory ?? []) {
  const [store, dir] = m.split("=", 2) as [string, string];
  for (const path of await notesUnder(dir)) {
    const lines = (await readFile(join(dir, path), "utf8")).replace(/\n$/, "").split("\n");
    if (lines.length >= Number(values["min-lines"]) && lines.length <= Number(values["max-lines"]))
      pool.push({ store, dir, path, lines });
  }
}
shuffle(pool, rng(Number(values.seed)));
const skip = Number(values.skip);
const sample = pool.slice(skip, skip + Number(values.n));
const out = [
  `# Files to mark: ${sample.length} of ${pool.length} notes (${values["min-lines"]}–${values["max-lines"]} lines), seed ${values.seed}, from ${skip}`,
  "",
];
sample.forEach(({ store, path, lines }, i) => {
  out.push(`## File ${i + 1}: ${store} ${path}`, "", "```text");
  for (const [k, l] of lines.entries()) out.push(`${String(k + 1).padStart(5)} | ${l}`);
  out.push("```", "");
});
await writeFile(values.out ?? "/tmp/audit-files.md", `${out.join("\n")}\n`);
process.stdout.write(`${sample.length} of ${pool.length} files sampled\n`);
