// The liveness probe must keep answering while a long dream computes: on the server's own thread a
// dream over ~100k entries held the event loop for 10 s, and the probe killed the pod mid-dream.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateWorld } from "../bench/quality/generator.ts";
import { writeWorld } from "../bench/quality/run.ts";
import { loadConfig } from "../src/config.ts";
import { silentLogger } from "../src/logger.ts";
import { type Server, startServer } from "../src/server/serve.ts";

// Probes /healthz every 25 ms until the dream is over, then prints every latency (ms) as JSON.
const PROBER = `
const url = process.argv[1];
const out = [];
let running = true;
const watch = (async () => {
  while (running) {
    await new Promise((r) => setTimeout(r, 250));
    const status = await (await fetch(url + "/status")).json();
    if (status.state === "idle") running = false;
  }
})();
while (running) {
  const t0 = performance.now();
  const res = await fetch(url + "/healthz");
  out.push(performance.now() - t0);
  if (res.status !== 200) throw new Error("healthz " + res.status);
  await res.arrayBuffer();
  await new Promise((r) => setTimeout(r, 25));
}
await watch;
console.log(JSON.stringify(out));
`;

const execFileAsync = promisify(execFile);
let work: string;
let server: Server;
const TOKEN = "t".repeat(32);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-healthz-"));
  // ~4 entries per size unit: ~100k entries and 100 transcripts (bench/quality/generator.ts).
  await writeWorld(generateWorld({ seed: 11, size: 25_000, sessions: 100 }), work);
  const cfg = loadConfig({
    env: {
      DREAMD_MEMORY_DIR: join(work, "memory"),
      DREAMD_SESSIONS_DIR: join(work, "sessions"),
      DREAMD_PROPOSALS_DIR: join(work, "out"),
      DREAMD_API_PORT: "0",
      DREAMD_API_TOKEN: TOKEN,
      DREAMD_ENGINE: "offline",
      DREAMD_SCHEDULE: "off",
      DREAMD_MAX_FILE_BYTES: String(64 << 20),
    },
  });
  server = await startServer(cfg, silentLogger);
}, 300_000);
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe("/healthz during a dream over ~100k entries", () => {
  it("answers every probe in under 100 ms, and the dream completes", async () => {
    const start = await fetch(`${server.url}/dreams`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ now: "2026-06-01T00:00:00Z" }),
    });
    expect(start.status).toBe(202);
    const { dreamId } = (await start.json()) as { dreamId: string };
    // The prober is its own process: a client on the server's thread could not observe the server's
    // thread being blocked, since it would be blocked too.
    const probe = await execFileAsync(process.execPath, ["--input-type=module", "-e", PROBER, server.url], {
      encoding: "utf8",
      timeout: 280_000,
    });
    const latencies = JSON.parse(probe.stdout) as number[];
    const res = await fetch(`${server.url}/dreams/${dreamId}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    const manifest = (await res.json()) as { stats: { entries: number } };
    expect(manifest.stats.entries).toBeGreaterThan(100_000);
    latencies.sort((a, b) => a - b);
    console.log(
      `healthz during the dream: ${latencies.length} probes, p50 ${latencies[latencies.length >> 1]?.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`,
    );
    expect(latencies.length).toBeGreaterThan(50);
    expect(latencies.at(-1)).toBeLessThan(100);
  }, 300_000);
});
