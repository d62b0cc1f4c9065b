// Scale: a dream over ~10,000 entries + 100 transcripts, and over ~100,000, each in a fresh process
// (wall time of the dream, peak RSS of the process). Usage: npm run bench:scale [-- --only 10000]
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateWorld } from "./quality/generator.ts";
import { runDreamd } from "./quality/run.ts";

const { values } = parseArgs({ options: { child: { type: "string" }, only: { type: "string" } } });

if (values.child) {
  // ~4 entries per world "size" unit (see bench/quality/generator.ts).
  const entries = Number(values.child);
  const world = generateWorld({ seed: 11, size: Math.round(entries / 4), sessions: 100 });
  const work = await mkdtemp(join(tmpdir(), "dreamd-scale-"));
  const t0 = performance.now();
  const run = await runDreamd(world, { work });
  const ms = performance.now() - t0;
  const m = run.result.manifest;
  process.stdout.write(
    `${JSON.stringify({ entries: m.stats.entries, sessions: m.stats.sessions, ops: m.operations.length, ms: m.stats.durationMs, totalMs: ms, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
  await rm(work, { recursive: true, force: true });
} else {
  const sizes = values.only ? [Number(values.only)] : [10_000, 100_000];
  const rows = sizes.map((n) => {
    const out = execFileSync(process.execPath, [new URL(import.meta.url).pathname, "--child", String(n)], {
      encoding: "utf8",
      maxBuffer: 1 << 24,
    });
    return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as {
      entries: number;
      sessions: number;
      ops: number;
      ms: number;
      totalMs: number;
      maxRssMb: number;
    };
  });
  for (const r of rows) {
    process.stdout.write(
      `${r.entries} entries + ${r.sessions} transcripts: dream ${(r.ms / 1000).toFixed(2)} s (snapshot to proposal; ${(r.totalMs / 1000).toFixed(2)} s with writing the world), ${r.ops} operations, peak RSS ${r.maxRssMb.toFixed(0)} MB\n`,
    );
  }
  const [a, b] = rows;
  if (a && b) {
    process.stdout.write(
      `targets: 10k ≤ 10 s → ${(a.ms / 1000).toFixed(2)} s; peak RSS ≤ 1 GB → ${Math.max(a.maxRssMb, b.maxRssMb).toFixed(0)} MB; 100k/10k time ≤ 12× → ${(b.ms / a.ms).toFixed(1)}×\n`,
    );
  }
}
