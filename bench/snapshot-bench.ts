// Snapshot throughput: dreamd's snapshot (safe-tree + tar-stream) vs GNU `tar -czf` on the same generated tree, side by side.
// Usage: npm run bench:snapshot [-- --files 10000 --mb 200 --rounds 3]
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createSnapshot } from "../src/snapshot/create.ts";

const { values } = parseArgs({
  options: {
    files: { type: "string", default: "10000" },
    mb: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
  },
});
const files = Number(values.files);
const totalBytes = Number(values.mb) * 1024 * 1024;
const rounds = Number(values.rounds);

// Markdown-ish text from a seeded generator: compresses like real notes, not like random bytes.
const WORDS =
  "the deploy region is eu-west-1 use pnpm not npm run tests with vitest owner priya marco dana invoice refund api v2 staging production migration postgres schema rollback incident on-call runbook grafana latency p99 ticket BILL-482 merged reviewed approved blocked".split(
    " ",
  );
// mulberry32: a small seeded PRNG, so every run generates the same tree.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
function note(bytes: number): string {
  const out: string[] = ["# Notes\n\n"];
  let n = 10;
  while (n < bytes) {
    const words = Array.from(
      { length: 6 + Math.floor(rand() * 14) },
      () => WORDS[Math.floor(rand() * WORDS.length)],
    );
    const line = `- ${words.join(" ")} ${Math.floor(rand() * 100000)}\n`;
    out.push(line);
    n += line.length;
  }
  return out.join("");
}

const root = await mkdtemp(join(tmpdir(), "dreamd-bench-"));
const tree = join(root, "memory");
const avg = Math.floor(totalBytes / files);
process.stdout.write(`generating ${files} files, ~${values.mb} MB in ${tree}…\n`);
for (let i = 0; i < files; i++) {
  const dir = join(tree, `d${String(i % 100).padStart(2, "0")}`);
  if (i < 100) await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `note-${i}.md`), note(Math.floor(avg * (0.5 + rand()))));
}
const du = Number(execFileSync("du", ["-sb", tree], { encoding: "utf8" }).split("\t")[0]);

const ours: number[] = [];
const gnu: number[] = [];
for (let r = 0; r < rounds; r++) {
  // Alternate the order so neither side always gets the warmer page cache.
  const runOurs = async () => {
    const t = performance.now();
    await createSnapshot({
      memoryDir: tree,
      snapshotsDir: join(root, "snaps"),
      name: `r${r}`,
      now: new Date(),
    });
    ours.push(performance.now() - t);
  };
  const runGnu = () => {
    const t = performance.now();
    execFileSync("tar", ["-czf", join(root, `gnu-${r}.tar.gz`), "-C", tree, "."]);
    gnu.push(performance.now() - t);
  };
  if (r % 2 === 0) {
    await runOurs();
    runGnu();
  } else {
    runGnu();
    await runOurs();
  }
}
const ourBytes = statSync(join(root, "snaps", "r0.tar.gz")).size;
const gnuBytes = statSync(join(root, "gnu-0.tar.gz")).size;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const o = median(ours);
const g = median(gnu);
const mbps = (ms: number) => (du / 1024 / 1024 / (ms / 1000)).toFixed(1);
process.stdout.write(
  [
    `tree: ${files} files, ${(du / 1024 / 1024).toFixed(1)} MB; ${rounds} rounds, medians`,
    `  dreamd (safe-tree + tar-stream + gzip + sha256 per file): ${o.toFixed(0)} ms  ${mbps(o)} MB/s`,
    `  GNU tar -czf:                                            ${g.toFixed(0)} ms  ${mbps(g)} MB/s`,
    `  archive size dreamd / GNU tar: ${(ourBytes / gnuBytes).toFixed(3)}`,
    `  throughput ratio dreamd / GNU tar: ${(g / o).toFixed(2)}x (target ≥ 0.80x)`,
    "",
  ].join("\n"),
);
await rm(root, { recursive: true, force: true });
