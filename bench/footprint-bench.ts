// Footprint of the sidecar: idle RSS, cold start to /readyz (beside a bare `node -e 0`), image size
// against its base, and GET /status latency at 1,000 req/s from a loopback load generator.
// Usage: npm run bench:footprint   (builds dist/ first; the image part needs Docker and dreamd:test)
import { execFileSync, spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";

const ROOT = new URL("..", import.meta.url).pathname;
const MAIN = join(ROOT, "dist/main.js");
const runs = 5;
// The flags the image's ENTRYPOINT uses (images/Dockerfile), so this measures what users run.
const NODE_FLAGS = (process.env.DREAMD_BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const work = await mkdtemp(join(tmpdir(), "dreamd-footprint-"));
await cp(join(ROOT, "examples/memory"), join(work, "memory"), { recursive: true });
await cp(join(ROOT, "examples/sessions"), join(work, "sessions"), { recursive: true });

function startServe(port: number) {
  return spawn(process.execPath, [...NODE_FLAGS, MAIN, "serve"], {
    env: {
      PATH: process.env.PATH,
      DREAMD_MEMORY_DIR: join(work, "memory"),
      DREAMD_SESSIONS_DIR: join(work, "sessions"),
      DREAMD_PROPOSALS_DIR: join(work, `proposals-${port}`),
      DREAMD_API_PORT: String(port),
      DREAMD_API_TOKEN: "bench",
      DREAMD_SCHEDULE: "off",
      DREAMD_LOG_LEVEL: "warn",
    },
    stdio: "ignore",
  });
}

async function untilReady(port: number): Promise<void> {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}

// Cold start: spawn → first 200 from /readyz, and a bare node start for scale.
const cold: number[] = [];
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
  const port = 19_800 + i;
  let t = performance.now();
  const p = startServe(port);
  await untilReady(port);
  cold.push(performance.now() - t);
  p.kill("SIGTERM");
  await new Promise((r) => p.once("exit", r));
  t = performance.now();
  execFileSync(process.execPath, ["-e", "0"]);
  bare.push(performance.now() - t);
}

// Idle RSS and /status latency on one long-lived server.
const port = 19_850;
const server = startServe(port);
await untilReady(port);
// One core each for the server and the load generator (this machine has two), when taskset exists.
try {
  execFileSync("taskset", ["-pc", "1", String(server.pid)], { stdio: "ignore" });
  execFileSync("taskset", ["-pc", "0", String(process.pid)], { stdio: "ignore" });
} catch {}
await new Promise((r) => setTimeout(r, 3_000));
const procStatus = async (pid: number, key: string) =>
  Number(new RegExp(`${key}:\\s+(\\d+)`).exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) /
  1024;
const rssOf = (pid: number) => procStatus(pid, "VmRSS");
const idleRss = await rssOf(server.pid ?? 0);
// RSS counts the pages of the node binary it has touched (file-backed, shared); RssAnon is dreamd's own.
const idleAnon = await procStatus(server.pid ?? 0, "RssAnon");
// Warm up first (JIT, lazy loads), as any long-running sidecar is; then measure.
await autocannon({ url: `http://127.0.0.1:${port}/status`, overallRate: 1000, duration: 2, connections: 10 });
const load = await autocannon({
  url: `http://127.0.0.1:${port}/status`,
  overallRate: 1000,
  duration: 10,
  connections: 10,
});
// The same load on /healthz (no I/O at all) separates the handler's cost from the machine's tail.
const floor = await autocannon({
  url: `http://127.0.0.1:${port}/healthz`,
  overallRate: 1000,
  duration: 10,
  connections: 10,
});
const loadedRss = await rssOf(server.pid ?? 0);
server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));

let image = "  image: skipped (no Docker engine or no dreamd:test image; run the container tests first)";
try {
  const size = (tag: string) =>
    Number(execFileSync("docker", ["image", "inspect", "-f", "{{.Size}}", tag], { encoding: "utf8" }).trim());
  const base = process.env.DREAMD_TEST_BASE_IMAGE ?? "dreamd-local/node:24";
  const [img, b] = [size("dreamd:test"), size(base)];
  image = `  image dreamd:test ${(img / 1e6).toFixed(1)} MB on ${base} ${(b / 1e6).toFixed(1)} MB: ${(img / b).toFixed(3)}× (target ≤ 1.15×)`;
} catch {}

const l = load.latency as unknown as { p99: number; p50: number; max: number };
const f = floor.latency as unknown as { p99: number; p50: number; max: number };
process.stdout.write(
  [
    `footprint (${runs} runs, medians where repeated)`,
    `  idle RSS of dreamd serve: ${idleRss.toFixed(1)} MB (target ≤ 60 MB), of which private (RssAnon) ${idleAnon.toFixed(1)} MB; after the load: ${loadedRss.toFixed(1)} MB`,
    `  cold start to /readyz 200: ${median(cold).toFixed(0)} ms (target ≤ 500 ms); bare node -e 0: ${median(bare).toFixed(0)} ms; ratio ${(median(cold) / median(bare)).toFixed(2)}×`,
    image,
    `  GET /status at ${load.requests.average.toFixed(0)} req/s (target rate 1000, ${load.requests.total} requests, ${load.non2xx} non-2xx, ${load.errors} errors): p50 ${l.p50} ms, p99 ${l.p99} ms (target ≤ 5 ms), max ${l.max} ms`,
    `  GET /healthz, same load, for scale: p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms`,
    "",
  ].join("\n"),
);
await rm(work, { recursive: true, force: true });
