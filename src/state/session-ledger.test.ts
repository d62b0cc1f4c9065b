import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isUnread,
  ledgerNotes,
  ledgerViewOf,
  planReading,
  proposalStatuses,
  recordProposal,
  supersession,
  type Transcript,
} from "./session-ledger.ts";
import { emptyState, type LedgerProposal, type State } from "./state.ts";

const t = (name: string, day: number, sha256 = `h-${name}`): Transcript => ({
  path: name,
  sha256,
  mtimeMs: Date.parse(`2026-03-${String(day).padStart(2, "0")}T00:00:00Z`),
});
const proposal = (dreamId: string, names: string[], extra: Partial<LedgerProposal> = {}): LedgerProposal => ({
  dreamId,
  sessions: names.map((n) => ({ path: n, sha256: `h-${n}` })),
  ...extra,
});
const ledger = (proposals: LedgerProposal[], settled: string[] = []): State["ledger"] => ({
  settled,
  proposals,
});
const all = (l: State["ledger"]) => new Set(l.proposals.map((p) => p.dreamId));
const names = (files: readonly Transcript[]) => files.map((f) => f.path);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dreamd-ledger-unit-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ledger view", () => {
  it("the newest pending proposal holds a transcript; discarded, superseded and settled ones hold none", () => {
    const l = ledger(
      [
        proposal("P1", ["a", "b"]),
        proposal("P2", ["a", "c"]),
        proposal("P3", ["d"], { supersededBy: "P4" }),
        proposal("P5", ["e"], { settled: true }),
        proposal("gone", ["f"]),
      ],
      ["h-s"],
    );
    const view = ledgerViewOf(l, new Set(["P1", "P2", "P3", "P5"]));
    expect(view.pending.map((p) => p.dreamId)).toEqual(["P1", "P2"]);
    expect(Object.fromEntries(view.holder)).toEqual({ "h-a": "P2", "h-b": "P1", "h-c": "P2" });
    expect(["a", "b", "c", "d", "e", "f", "s"].filter((n) => isUnread(view, `h-${n}`))).toEqual([
      "d",
      "e",
      "f",
    ]);
  });
});

describe("planReading", () => {
  it("takes unread transcripts oldest first, within the cap", () => {
    const files = [t("new", 9), t("old", 1), t("mid", 5)];
    const plan = planReading(files, ledgerViewOf(ledger([]), new Set()), 2);
    expect(names(plan.read)).toEqual(["old", "mid"]);
    expect(plan).toMatchObject({ carried: 0, deferred: 1 });
  });

  it("carries held ones first, the oldest proposal's first, and leaves half the cap to unread ones", () => {
    const l = ledger([proposal("P1", ["a", "b", "c"]), proposal("P2", ["d", "e", "f"])]);
    const view = ledgerViewOf(l, all(l));
    const files = ["f", "e", "d", "c", "b", "a"].map((n, i) => t(n, i + 1));
    files.push(t("u1", 20), t("u2", 21), t("u3", 22));
    const plan = planReading(files, view, 4);
    // P1's c, b, a were read longest ago; within P1 the oldest file first.
    expect(names(plan.read)).toEqual(["c", "b", "u1", "u2"]);
    expect(plan).toMatchObject({ carried: 2, deferred: 1 });
    // With nothing unread, held ones take the whole cap.
    expect(names(planReading(files.slice(0, 6), view, 4).read)).toEqual(["c", "b", "a", "f"]);
    // With one unread, it gets its place.
    expect(names(planReading([...files.slice(0, 6), t("u9", 30)], view, 4).read)).toEqual([
      "c",
      "b",
      "a",
      "u9",
    ]);
  });

  it("never reads a settled transcript, held or not", () => {
    const l = ledger([proposal("P1", ["a"])], ["h-a", "h-b"]);
    const plan = planReading([t("a", 1), t("b", 2), t("c", 3)], ledgerViewOf(l, all(l)), 10);
    expect(names(plan.read)).toEqual(["c"]);
  });

  it("with a cap of 1 a backlog still drains: the unread place is always there", () => {
    let l = ledger([]);
    const files = ["a", "b", "c"].map((n, i) => t(n, i + 1));
    const read: string[] = [];
    for (let i = 0; i < 3; i++) {
      const plan = planReading(files, ledgerViewOf(l, all(l)), 1);
      read.push(...names(plan.read));
      l = ledger([...l.proposals, proposal(`P${i}`, names(plan.read))]);
    }
    expect(read).toEqual(["a", "b", "c"]);
  });
});

describe("supersession", () => {
  it("supersedes a pending proposal only when every transcript it holds was read again", () => {
    const l = ledger([proposal("P1", ["a", "b"]), proposal("P2", ["a", "c"])]);
    const view = ledgerViewOf(l, all(l));
    const ref = (n: string) => ({ path: n, sha256: `h-${n}` });
    // P1 holds only b (P2 holds a): reading b alone supersedes it.
    expect(supersession(view, [ref("b")])).toEqual({
      superseded: ["P1"],
      kept: [{ dreamId: "P2", left: 2 }],
    });
    expect(supersession(view, [ref("a"), ref("b"), ref("c")]).superseded).toEqual(["P1", "P2"]);
  });

  it("a transcript that grew since counts as read again; one gone from the sessions dir keeps its proposal", () => {
    const l = ledger([proposal("P1", ["grows", "gone"])]);
    const view = ledgerViewOf(l, all(l));
    const s = supersession(view, [{ path: "grows", sha256: "h-grows-longer" }]);
    expect(s).toEqual({ superseded: [], kept: [{ dreamId: "P1", left: 1 }] });
    expect(ledgerNotes(s, 0)).toEqual([
      "P1 stays pending: 1 of its sessions were not read again (maxSessions, or no longer in the sessions dir)",
    ]);
  });

  it("a pending proposal that read no transcripts is superseded by the next dream", () => {
    const l = ledger([proposal("P1", [])]);
    expect(supersession(ledgerViewOf(l, all(l)), []).superseded).toEqual(["P1"]);
  });
});

describe("recordProposal", () => {
  it("indexes the new proposal, marks and empties superseded ones, forgets discarded ones, settles unusable", async () => {
    const vol = join(dir, "record");
    for (const id of ["P1", "P2", "P3"]) await mkdir(join(vol, id), { recursive: true });
    const state = emptyState();
    state.ledger = ledger([proposal("P0", ["z"]), proposal("P1", ["a"]), proposal("P2", ["b"])], ["h-x"]);
    await recordProposal(state, vol, {
      dreamId: "P3",
      sessions: [{ path: "a", sha256: "h-a" }],
      unusable: ["h-x", "h-empty", "h-empty"],
      supersedes: ["P1"],
    });
    expect(state.ledger).toEqual({
      settled: ["h-x", "h-empty"],
      proposals: [
        { dreamId: "P1", sessions: [], supersededBy: "P3" },
        proposal("P2", ["b"]),
        proposal("P3", ["a"]),
      ],
    });
    const status = proposalStatuses(state.ledger);
    expect([status("P1"), status("P2"), status("unknown")]).toEqual([
      { status: "superseded", supersededBy: "P3" },
      { status: "pending" },
      { status: "pending" },
    ]);
  });
});
