import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyState, MAX_LEDGER, readState, stateDirOf, writeState } from "./state.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dreamd-state-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withStateFile(name: string, body: string): Promise<string> {
  const vol = join(dir, name);
  await mkdir(stateDirOf(vol), { recursive: true });
  await writeFile(join(stateDirOf(vol), "state.json"), body);
  return vol;
}

describe("state", () => {
  it("missing is a fresh start", async () => {
    expect(await readState(join(dir, "none"))).toEqual(emptyState());
  });

  it("migrates version 1: its processed hashes become settled, the rest is kept", async () => {
    const v1 = {
      version: 1,
      lastSuccess: { dreamId: "20260301T000000Z-aaaaaa", at: "2026-03-01T00:00:00.000Z" },
      lastAttempt: { dreamId: "20260301T000000Z-aaaaaa", at: "2026-03-01T00:00:00.000Z", status: "complete" },
      consecutiveFailures: 0,
      processed: ["h1", "h2"],
      recentStarts: ["2026-03-01T00:00:00.000Z"],
    };
    const vol = await withStateFile("v1", JSON.stringify(v1));
    const state = await readState(vol);
    expect(state).toEqual({
      version: 2,
      lastSuccess: v1.lastSuccess,
      lastAttempt: v1.lastAttempt,
      consecutiveFailures: 0,
      recentStarts: v1.recentStarts,
      ledger: { settled: ["h1", "h2"], proposals: [] },
    });
    await writeState(vol, state);
    expect(await readState(vol)).toEqual(state);
  });

  it("moves an unreadable state aside and starts afresh", async () => {
    for (const [name, body] of [
      ["garbage", "{not json"],
      ["future", JSON.stringify({ ...emptyState(), version: 3 })],
    ] as const) {
      const vol = await withStateFile(name, body);
      const warnings: string[] = [];
      expect(await readState(vol, (m) => warnings.push(m))).toEqual(emptyState());
      expect(warnings[0]).toMatch(/unreadable; moved to .*state\.json\.corrupt-/);
      const names = await readdir(stateDirOf(vol));
      expect(names.filter((n) => n.startsWith("state.json.corrupt-"))).toHaveLength(1);
      expect(names).not.toContain("state.json");
    }
  });

  it("stays bounded: the newest settled hashes and the newest proposals' session records", async () => {
    const vol = join(dir, "bounded");
    const state = emptyState();
    state.ledger.settled = Array.from({ length: MAX_LEDGER + 5 }, (_, i) => `s${i}`);
    const records = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({ path: `${tag}${i}`, sha256: `${tag}${i}` }));
    state.ledger.proposals = [
      { dreamId: "old", sessions: records(10, "o") },
      { dreamId: "mid", sessions: records(MAX_LEDGER - 100, "m") },
      { dreamId: "new", sessions: records(100, "n") },
    ];
    await writeState(vol, state);
    const back = await readState(vol);
    expect(back.ledger.settled).toHaveLength(MAX_LEDGER);
    expect(back.ledger.settled[0]).toBe("s5");
    // "old" would take the index past MAX_LEDGER records: it is dropped, and its transcripts are read again.
    expect(back.ledger.proposals.map((p) => p.dreamId)).toEqual(["mid", "new"]);
    expect(JSON.parse(await readFile(join(stateDirOf(vol), "state.json"), "utf8")).version).toBe(2);
  });
});
