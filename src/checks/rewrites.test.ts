import { describe, expect, it } from "vitest";
import { memoryFrom, sessionFrom } from "../../test/fixtures.ts";
import type { ProposedOperation } from "../manifest.ts";
import { checkOperations } from "./check-operations.ts";

// A model's supersede that rewrites a line is held to what a removal is: its new words come from
// evidence outside the line, and that evidence is newer than the line.
const memory = memoryFrom({
  "notes/2026-03-05.md": "# 2026-03-05\n\n- Package manager: npm\n",
  "notes/2026-03-09.md": "# 2026-03-09\n\n- Moved the repo to pnpm workspaces.\n",
});
const sessions = [
  sessionFrom("late.jsonl", [["user", "We switched from npm to pnpm."]], "2026-03-12T09:00:00.000Z"),
  sessionFrom("early.jsonl", [["user", "We switched from npm to pnpm."]], "2026-03-01T09:00:00.000Z"),
];
const base = {
  notes: new Map(memory.notes.map((n) => [n.path, n.parsed.lines])),
  sessions: new Map(sessions.map((s) => [s.id, s.messages])),
};
const order = {
  startedAt: new Map(sessions.map((s) => [s.id, s.startedAt])),
  writtenOn: new Map([
    ["notes/2026-03-05.md", new Map([[3, "2026-03-05"]])],
    ["notes/2026-03-09.md", new Map([[3, "2026-03-09"]])],
  ]),
  seenSince: new Map<string, string>(),
};
const lineDates = order.writtenOn;

const supersede = (after: string, ...evidence: ProposedOperation["evidence"]): ProposedOperation => ({
  kind: "supersede",
  targets: ["notes/2026-03-05.md"],
  reason: "switched",
  evidence: [
    ...evidence,
    { source: "memory", path: "notes/2026-03-05.md", line: 3, quote: "- Package manager: npm" },
  ],
  changes: [
    {
      path: "notes/2026-03-05.md",
      startLine: 3,
      endLine: 3,
      before: ["- Package manager: npm"],
      after: [after],
    },
  ],
});
const session = (id: string) =>
  ({ source: "session", session: id, index: 0, quote: "We switched from npm to pnpm." }) as const;
const rules = (op: ProposedOperation) =>
  checkOperations({ operations: [op], base, opaque: new Set(), order, lineDates }).refused.map((r) => r.rule);

describe("a supersede that rewrites a line (checks/rewrites.ts)", () => {
  it("is accepted when a session that came after the line says the new value", () => {
    expect(rules(supersede("- Package manager: pnpm", session("late.jsonl")))).toEqual([]);
  });

  it("is accepted when a later memory line says the new value", () => {
    const later = {
      source: "memory",
      path: "notes/2026-03-09.md",
      line: 3,
      quote: "- Moved the repo to pnpm workspaces.",
    } as const;
    expect(rules(supersede("- Package manager: pnpm", later))).toEqual([]);
  });

  it("is refused when the session came before the line: the note is the newer word", () => {
    expect(rules(supersede("- Package manager: pnpm", session("early.jsonl")))).toEqual([
      "session-not-after-entry",
    ]);
  });

  it("is refused when a new word is in no cited evidence outside the line", () => {
    expect(rules(supersede("- Package manager: bun", session("late.jsonl")))).toEqual([
      "rewrite-without-evidence",
    ]);
    // The line it rewrites does not vouch for itself.
    expect(rules(supersede("- Package manager: npm 10"))).toEqual(["rewrite-without-evidence"]);
  });
});
