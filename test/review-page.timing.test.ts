import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Manifest, Operation } from "../src/manifest.ts";
import { pageApp, pageLogin, writeTree } from "./fixtures.ts";

/**
 * Issue 15: a dream page of 200 operations renders on the server in under 300 ms and weighs under 1 MB.
 * The dream is synthesised (20 notes of 60 lines, 200 operations citing memory and sessions) so the
 * measure does not depend on what the offline engine proposes for the examples.
 */
const OPS = 200;
const FILES = 20;
const DREAM = "20260320T180000Z-a1b2c3";
let work: string;

const words = (i: number) =>
  `The billing service ${i} deploys every Friday at 16:00 UTC through the blue/green pipeline, owner team-${i % 7}`;

function synthesise(): { manifest: Manifest; store: Record<string, string> } {
  const store: Record<string, string> = {};
  const lines: Record<string, string[]> = {};
  for (let f = 0; f < FILES; f++) {
    const path = `notes/topic-${f}.md`;
    const l = [`# Topic ${f}`, ""];
    for (let s = 0; s < 3; s++) {
      l.push(`## Section ${s}`, "");
      for (let k = 0; k < 18; k++) l.push(`- ${words(f * 100 + s * 20 + k)}`);
    }
    lines[path] = l;
    store[path] = `${l.join("\n")}\n`;
  }
  const operations: Operation[] = [];
  for (let i = 0; i < OPS; i++) {
    const path = `notes/topic-${i % FILES}.md`;
    const line = 5 + Math.floor(i / FILES);
    const text = lines[path]?.[line - 1] ?? "";
    operations.push({
      id: `op-${String(i + 1).padStart(3, "0")}`,
      kind: i % 3 === 0 ? "supersede" : "normalize",
      rule: ["exact-duplicates", "supersede", "relative-dates", "stale-todos"][i % 4] ?? "x",
      confidence: i % 2 ? "certain" : "likely",
      targets: [path],
      reason: `line ${line} of ${path} says the same as a newer note, in older words (${i})`,
      evidence: [
        { source: "memory", path, line, quote: text.slice(2) },
        {
          source: "session",
          session: `2026-03-${String((i % 28) + 1).padStart(2, "0")}.jsonl`,
          index: i % 40,
          quote: words(i).replace("Friday", "Tuesday"),
        },
      ],
      // The store holds the proposal: the line as changed.
      changes: [
        { path, startLine: line, endLine: line, before: [text], after: [text.replace("Friday", "Tuesday")] },
      ],
    });
    lines[path]?.splice(line - 1, 1, text.replace("Friday", "Tuesday"));
  }
  for (const [path, l] of Object.entries(lines)) store[path] = `${l.join("\n")}\n`;
  const manifest: Manifest = {
    schemaVersion: 1,
    dreamId: DREAM,
    createdAt: "2026-03-20T18:00:00.000Z",
    engine: { name: "offline", version: "1" },
    base: {
      memoryDir: "/memory",
      snapshot: { path: `snapshots/${DREAM}.tar.gz`, sha256: "0".repeat(64), bytes: 1 },
      files: Object.keys(store).map((path) => ({ path, sha256: "0".repeat(64), bytes: 1 })),
    },
    sessions: [],
    problems: [],
    operations,
    refused: [],
    notes: [],
    output: { files: [], changed: Object.keys(store) },
    stats: { files: FILES, entries: FILES * 54, sessions: 28, deferredSessions: 0, durationMs: 1 },
  };
  return { manifest, store };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-page-200-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("the dream page of 200 operations", () => {
  it("renders in under 300 ms and weighs under 1 MB", async () => {
    const { app, proposalsDir } = await pageApp(work);
    const { manifest, store } = synthesise();
    await writeTree(join(proposalsDir, DREAM), {
      "manifest.json": JSON.stringify(manifest),
      ...Object.fromEntries(Object.entries(store).map(([p, t]) => [`store/${p}`, t])),
    });
    const { cookie } = await pageLogin(app);
    const render = async () => {
      const t0 = performance.now();
      const res = await app.request(`http://127.0.0.1/ui/dreams/${DREAM}`, { headers: { cookie } });
      const body = await res.text();
      return { ms: performance.now() - t0, status: res.status, bytes: Buffer.byteLength(body), body };
    };
    for (let i = 0; i < 3; i++) await render();
    const runs = [];
    for (let i = 0; i < 7; i++) runs.push(await render());
    const first = runs[0];
    expect(first?.status).toBe(200);
    expect(first?.body.match(/<article class="card/g)?.length).toBe(OPS);
    expect(first?.body).toContain("§ Topic 0 › Section 0");
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
    const median = ms[Math.floor(ms.length / 2)] ?? Number.POSITIVE_INFINITY;
    console.log(
      `dream page, ${OPS} operations: median ${median.toFixed(1)} ms (min ${ms[0]?.toFixed(1)}, max ${ms.at(-1)?.toFixed(1)}), ${first?.bytes} bytes`,
    );
    expect(median).toBeLessThan(300);
    expect(first?.bytes).toBeLessThan(1 << 20);
  });
});
