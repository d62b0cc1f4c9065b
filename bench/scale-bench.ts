// Scale: a dream over ~10,000 entries + 100 transcripts, and over ~100,000, each in a fresh process
// (wall time of the dream, peak RSS of the process). Usage: npm run bench:scale [-- --only 10000]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateWorld } from "./quality/generator.ts";
import { writeWorld } from "./quality/run.ts";

const { values } = parseArgs({ options: { child: { type: "string" }, only: { type: "string" } } });

if (values.child) {
  // ~4 entries per world "size" unit (see bench/quality/generator.ts). The dream runs as its own
  // `dreamd dream` process, so its time and peak RSS are the dream's alone, not the generator's.
  const entries = Number(values.child);
  const world = generateWorld({ seed: 11, size: Math.round(entries / 4), sessions: 100 });
  const work = await mkdtemp(join(tmpdir(), "dreamd-scale-"));
  await writeWorld(world, work);
  const main = new URL("../src/main.ts", import.meta.url).pathname;
  const args = [
    "-f",
    "%M",
    process.execPath,
    main,
    "dream",
    "--memory",
    join(work, "memory"),
    "--sessions",
    join(work, "sessions"),
  ];
  args.push(
    "--out",
    join(work, "out"),
    "--now",
    "2026-06-01T00:00:00Z",
    "--max-file-bytes",
    String(64 << 20),
  );
  const t0 = performance.now();
  const res = spawnSync("/usr/bin/time", args, { encoding: "utf8", maxBuffer: 1 << 26 });
  const totalMs = performance.now() - t0;
  if (res.status !== 0) throw new Error(`dream failed: ${res.stderr}`);
  const dir = res.stdout.trim().split("\n").at(-1) ?? "";
  const m = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as {
    stats: { entries: number; sessions: number; durationMs: number };
    operations: unknown[];
  };
  const maxRssMb = Number(res.stderr.trim().split("\n").at(-1)) / 1024;
  process.stdout.write(
    `${JSON.stringify({ entries: m.stats.entries, sessions: m.stats.sessions, ops: m.operations.length, ms: m.stats.durationMs, totalMs, maxRssMb })}\n`,
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
      `${r.entries} entries + ${r.sessions} transcripts: \`dreamd dream\` ${(r.totalMs / 1000).toFixed(2)} s end to end (${(r.ms / 1000).toFixed(2)} s before writing the proposal), ${r.ops} operations, peak RSS ${r.maxRssMb.toFixed(0)} MB\n`,
    );
  }
  const [a, b] = rows;
  if (a && b) {
    process.stdout.write(
      `targets: 10k ≤ 10 s → ${(a.totalMs / 1000).toFixed(2)} s; peak RSS ≤ 1 GB → ${Math.max(a.maxRssMb, b.maxRssMb).toFixed(0)} MB; 100k/10k time ≤ 12× → ${(b.totalMs / a.totalMs).toFixed(1)}×\n`,
    );
  }
}
