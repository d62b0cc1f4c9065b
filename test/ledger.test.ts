import { mkdtemp, readFile, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DreamOptions } from "../src/dream/options.ts";
import { runDream } from "../src/dream/run.ts";
import type { Engine } from "../src/engine/engine.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { sha256 } from "../src/fs/atomic.ts";
import type { Manifest } from "../src/manifest.ts";
import { createProposals } from "../src/proposal/proposals.ts";
import { createGateChecker } from "../src/schedule/gates.ts";
import { settle } from "../src/state/session-ledger.ts";
import { readState } from "../src/state/state.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { dreamOptions, writeTree } from "./fixtures.ts";

/**
 * The session ledger end to end, with the real offline engine: a user instruction repeated in three
 * sessions becomes a feedback note (create) and a later session closes a TODO (prune). Both exist only
 * because of the sessions, so they show whether a dream read them.
 */
let work: string;
const registry = createFormatRegistry();
const deps = { engine: createOfflineEngine(), registry };

const MEMORY = {
  "MEMORY.md": "# Memory\n- [Prefs](prefs.md)\n",
  "prefs.md": "- Prefers dark mode\n",
  "notes/2026-03-02.md":
    "# 2026-03-02\n- [ ] Rotate the billing signing keys\n- [ ] Rotate the search signing keys\n",
};
const transcript = (day: string, text: string) =>
  JSON.stringify({ created_at: `2026-03-${day}T09:00:00Z`, messages: [{ role: "user", content: text }] });
const SESSIONS = {
  "s1.json": transcript("05", "Please never squash merge the release branches."),
  "s2.json": transcript("06", "Again: never squash merge release branches!"),
  "s3.json": transcript("07", "Reminder, never squash merge the release branches please."),
  "s4.json": transcript("10", "The billing signing keys are rotated, that TODO is done."),
};

/** A volume of its own: memory, sessions (mtimes one day apart, in name order) and proposals. */
async function volume(name: string, sessions: Record<string, string> = SESSIONS) {
  const root = join(work, name);
  await writeTree(join(root, "memory"), MEMORY);
  await writeTree(join(root, "sessions"), sessions);
  let day = 1;
  for (const file of Object.keys(sessions).sort()) {
    const t = new Date(`2026-03-${String(day++).padStart(2, "0")}T12:00:00Z`);
    await utimes(join(root, "sessions", file), t, t);
  }
  const out = join(root, "proposals");
  // One minute apart, so dream ids (and the list, newest first) sort in the order the dreams ran.
  let minute = 0;
  const opts = (extra: Partial<DreamOptions> = {}) =>
    dreamOptions(out, {
      memoryDir: join(root, "memory"),
      sessionsDir: join(root, "sessions"),
      now: new Date(Date.parse("2026-03-20T18:00:00Z") + 60_000 * minute++),
      ...extra,
    });
  const gates = createGateChecker(
    {
      sessionsDir: join(root, "sessions"),
      proposalsDir: out,
      minHours: 24,
      minSessions: 1,
      triggerMode: "all",
      maxTranscriptBytes: 1 << 25,
    },
    registry,
  );
  const newSessions = async () =>
    (await gates.check(await readState(out), new Date("2026-03-20T18:00:00Z"))).sessionsSinceLast;
  return { out, opts, newSessions, proposals: createProposals(out) };
}

const kinds = (m: Manifest) => m.operations.map((o) => o.kind).sort();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-ledger-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("discard releases the sessions a proposal read", () => {
  it("the next dream proposes the session-derived operations again; the gates count each session once", async () => {
    const v = await volume("discard");
    expect(await v.newSessions()).toBe(4);
    const first = await runDream(v.opts(), deps);
    expect(kinds(first.manifest)).toEqual(["create", "prune"]);
    expect(await v.newSessions()).toBe(0);

    expect(await v.proposals.discard(first.dreamId)).toBe(true);
    expect(await v.newSessions()).toBe(4);

    const second = await runDream(v.opts(), deps);
    expect(kinds(second.manifest)).toEqual(["create", "prune"]);
    expect(second.manifest.operations.map((o) => o.targets)).toEqual(
      first.manifest.operations.map((o) => o.targets),
    );
    expect(second.manifest.sessions.map((s) => s.id)).toEqual(["s1.json", "s2.json", "s3.json", "s4.json"]);
    expect(await v.newSessions()).toBe(0);
    expect((await v.proposals.list()).map((p) => [p.id, p.status])).toEqual([[second.dreamId, "pending"]]);
  });
});

describe("a dream while an older proposal is pending", () => {
  it("reads its sessions again, proposes their operations again, and marks the older one superseded", async () => {
    const v = await volume("twice");
    const first = await runDream(v.opts(), deps);
    expect(await v.newSessions()).toBe(0);
    const second = await runDream(v.opts(), deps);
    expect(kinds(second.manifest)).toEqual(["create", "prune"]);
    expect(second.manifest.sessions).toHaveLength(4);
    expect(second.manifest.notes).toContain(
      `supersedes ${first.dreamId}: every session it held was read again`,
    );
    expect(await readFile(join(second.dir, "report.md"), "utf8")).toContain(`supersedes ${first.dreamId}`);
    expect(await v.newSessions()).toBe(0);
    expect(await v.proposals.list()).toMatchObject([
      { id: second.dreamId, status: "pending" },
      { id: first.dreamId, status: "superseded", supersededBy: second.dreamId },
    ]);
    // The superseded proposal holds nothing: discarding the newest releases every session.
    expect(await v.proposals.discard(second.dreamId)).toBe(true);
    expect(await v.newSessions()).toBe(4);
    // Discarding a superseded proposal releases nothing more.
    const third = await runDream(v.opts(), deps);
    expect(await v.proposals.discard(first.dreamId)).toBe(true);
    expect(await v.newSessions()).toBe(0);
    expect(third.manifest.sessions).toHaveLength(4);
  });

  it("a discard of the older proposal while a dream runs loses neither update", async () => {
    const v = await volume("race");
    const first = await runDream(v.opts(), deps);
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const inner = createOfflineEngine();
    const engine: Engine = {
      ...inner,
      async consolidate(ctx) {
        await gate;
        return inner.consolidate(ctx);
      },
    };
    let consolidating!: () => void;
    const oriented = new Promise<void>((r) => {
      consolidating = r;
    });
    const running = runDream(
      v.opts({ onEvent: (e) => e.phase === "consolidate" && e.status === "start" && consolidating() }),
      { engine, registry },
    );
    await oriented;
    expect(await v.proposals.discard(first.dreamId)).toBe(true);
    open();
    const second = await running;
    // The running dream read the discarded proposal's sessions: they are its now, and nothing brings the
    // discarded one back.
    expect(second.manifest.sessions).toHaveLength(4);
    const state = await readState(v.out);
    expect(state.ledger.proposals.map((p) => p.dreamId)).toEqual([second.dreamId]);
    expect(state.lastSuccess?.dreamId).toBe(second.dreamId);
    expect(await v.newSessions()).toBe(0);
    expect((await v.proposals.list()).map((p) => p.id)).toEqual([second.dreamId]);
  });
});

describe("maxSessions", () => {
  it("reads the oldest unread first, carries held ones within the cap, and starves none", async () => {
    const five = Object.fromEntries(
      ["a", "b", "c", "d", "e"].map((n, i) => [`${n}.json`, transcript(`0${i + 1}`, `note ${n}`)]),
    );
    const v = await volume("cap", five);
    const cap = { maxSessions: 2 };
    const read: string[][] = [];
    const dreams: string[] = [];
    const gateCounts = [await v.newSessions()];
    const deferred: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await runDream(v.opts(cap), deps);
      dreams.push(r.dreamId);
      read.push(r.manifest.sessions.map((s) => s.id));
      deferred.push(r.manifest.stats.deferredSessions);
      gateCounts.push(await v.newSessions());
    }
    // One place always goes to the oldest unread transcript; the other carries the one held longest.
    expect(read).toEqual([
      ["a.json", "b.json"],
      ["a.json", "c.json"],
      ["b.json", "d.json"],
      ["a.json", "e.json"],
      ["b.json", "c.json"],
    ]);
    expect(deferred).toEqual([3, 2, 1, 0, 0]);
    expect(gateCounts).toEqual([5, 3, 2, 1, 0, 0]);
    expect(new Set(read.slice(0, 4).flat())).toEqual(new Set(Object.keys(five)));
    const status = new Map((await v.proposals.list()).map((p) => [p.id, p]));
    const [d1, d2, d3, d4, d5] = dreams;
    // Dream 2 re-read only a of dream 1's a, b: dream 1 stayed pending, keeping b, until dream 3 read b.
    expect(status.get(d1 ?? "")).toMatchObject({ status: "superseded", supersededBy: d3 });
    expect(status.get(d2 ?? "")).toMatchObject({ status: "superseded", supersededBy: d5 });
    expect(status.get(d3 ?? "")).toMatchObject({ status: "pending" });
    expect(status.get(d4 ?? "")).toMatchObject({ status: "pending" });
    expect(status.get(d5 ?? "")).toMatchObject({ status: "pending" });
  });

  it("an older proposal the cap stopped from being read again stays pending, and says so", async () => {
    const v = await volume("cap-kept");
    const first = await runDream(v.opts(), deps);
    const second = await runDream(v.opts({ maxSessions: 2 }), deps);
    expect(second.manifest.sessions.map((s) => s.id)).toEqual(["s1.json", "s2.json"]);
    expect(second.manifest.notes).toContain(
      `${first.dreamId} stays pending: 2 of its sessions were not read again (maxSessions, or no longer in the sessions dir)`,
    );
    expect((await v.proposals.list()).map((p) => p.status)).toEqual(["pending", "pending"]);
    expect(await v.newSessions()).toBe(0);
  });
});

describe("settle (for apply)", () => {
  it("settles a proposal's sessions: not new, not read again, and the proposal is never superseded", async () => {
    const v = await volume("settle");
    const first = await runDream(v.opts(), deps);
    expect(await settle(v.out, first.dreamId)).toBe(true);
    expect(await settle(v.out, "20990101T000000Z-000000")).toBe(false);
    expect(await v.newSessions()).toBe(0);
    const second = await runDream(v.opts(), deps);
    expect(second.manifest.sessions).toEqual([]);
    expect((await v.proposals.list()).map((p) => [p.id, p.status])).toEqual([
      [second.dreamId, "pending"],
      [first.dreamId, "settled"],
    ]);
    // Settled stays settled when the proposal is discarded afterwards.
    expect(await v.proposals.discard(first.dreamId)).toBe(true);
    expect(await v.newSessions()).toBe(0);
  });
});

describe("a state.json written by version 1", () => {
  it("loads, and the transcripts it had consumed stay settled", async () => {
    const v = await volume("v1");
    const { mkdir, writeFile } = await import("node:fs/promises");
    await mkdir(join(v.out, ".dreamd"), { recursive: true });
    const consumed = [SESSIONS["s1.json"], SESSIONS["s2.json"]].map((t) => sha256(t));
    await writeFile(
      join(v.out, ".dreamd", "state.json"),
      JSON.stringify({
        version: 1,
        lastSuccess: { dreamId: "20260301T000000Z-01d000", at: "2026-03-01T00:00:00.000Z" },
        lastAttempt: null,
        consecutiveFailures: 0,
        processed: consumed,
        recentStarts: [],
      }),
    );
    const state = await readState(v.out);
    expect(state.version).toBe(2);
    expect(state.ledger.settled).toEqual(consumed);
    expect(state.lastSuccess?.dreamId).toBe("20260301T000000Z-01d000");
    expect(await v.newSessions()).toBe(2);
    const r = await runDream(v.opts(), deps);
    expect(r.manifest.sessions.map((s) => s.id)).toEqual(["s3.json", "s4.json"]);
    const onDisk = JSON.parse(await readFile(join(v.out, ".dreamd", "state.json"), "utf8"));
    expect(onDisk).toMatchObject({ version: 2, ledger: { settled: consumed } });
    expect(onDisk.processed).toBeUndefined();
    expect(await v.newSessions()).toBe(0);
  });
});
