/**
 * What every engine must do, whatever it is built on. Not a test file itself: each engine's own test
 * calls `engineContract` (offline/engine.test.ts; claude/engine.test.ts against a fake Messages API), so
 * adding an engine never edits this suite.
 */
import { describe, expect, it } from "vitest";
import { BREAKS, STRUCTURED } from "../../test/fixtures/structure.ts";
import { memoryFrom, sessionFrom } from "../../test/fixtures.ts";
import { checkOperations } from "../checks/check-operations.ts";
import type { DreamContext, Engine } from "./engine.ts";

const STORE = {
  "MEMORY.md": "# Memory\n\n- [Prefs](prefs.md) — preferences\n- [Prefs](prefs.md) — preferences\n",
  "prefs.md": "# Prefs\n\n- Use pnpm, not npm.\n- Deploy region is eu-west-1.\n",
  "notes/2026-03-04.md": "# 2026-03-04\n\n- use pnpm, not npm\n- Deployed v1.2 yesterday.\n",
};

function ctx(files: Record<string, string> = STORE): DreamContext {
  return {
    memory: memoryFrom(files),
    sessions: [sessionFrom("s1.jsonl", [["user", "please use pnpm"]])],
    now: new Date("2026-03-20T00:00:00Z"),
    signal: new AbortController().signal,
  };
}

function check(c: DreamContext, ops: Awaited<ReturnType<Engine["consolidate"]>>["operations"]) {
  return checkOperations({
    operations: ops,
    base: {
      notes: new Map(c.memory.notes.map((n) => [n.path, n.parsed.lines])),
      sessions: new Map(c.sessions.map((s) => [s.id, s.messages])),
    },
    opaque: new Set(),
  });
}

/** The engine contract as a vitest suite named after `name`; `make` builds a fresh engine for each case. */
export function engineContract(name: string, make: () => Engine): void {
  describe(`engine contract: ${name}`, () => {
    it("proposes only operations that pass the code checks", async () => {
      const c = ctx();
      const { operations } = await make().consolidate(c);
      expect(operations.length).toBeGreaterThan(0);
      expect(check(c, operations).refused).toEqual([]);
    });

    it("cannot break a note's structure: crafted breaks beside its own answer are refused by code, by rule", async () => {
      const c = ctx(STRUCTURED);
      const { operations } = await make().consolidate(c);
      const crafted = BREAKS.map((b) => b.op);
      const { refused } = check(c, [...crafted, ...operations]);
      expect(crafted.map((op) => refused.find((r) => r.operation === op)?.rule)).toEqual(
        BREAKS.map((b) => b.rule),
      );
    });

    it("is deterministic", async () => {
      const a = await make().consolidate(ctx());
      const b = await make().consolidate(ctx());
      expect(JSON.stringify([a.operations, a.notes])).toBe(JSON.stringify([b.operations, b.notes]));
    });

    it("never touches a store with nothing to consolidate", async () => {
      const { operations } = await make().consolidate(ctx({ "a.md": "- one fact\n- another fact\n" }));
      expect(operations).toEqual([]);
    });

    it("honours cancellation", async () => {
      const c = ctx();
      const abort = new AbortController();
      abort.abort();
      await expect(make().consolidate({ ...c, signal: abort.signal })).rejects.toThrow();
    });
  });
}
