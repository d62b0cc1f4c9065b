import { afterAll, describe, expect, it } from "vitest";
import { approveAll, startFakeApi } from "../../test/fake-messages-api.ts";
import { memoryFrom, sessionFrom } from "../../test/fixtures.ts";
import { checkOperations } from "../checks/check-operations.ts";
import { silentLogger } from "../logger.ts";
import { createClaudeEngine } from "./claude/engine.ts";
import type { DreamContext, Engine } from "./engine.ts";
import { createOfflineEngine } from "./offline/engine.ts";

/**
 * What every engine must do, whatever it is built on. New engines join `engines` below
 * (the Claude engine runs the same suite against a fake Messages API).
 */
const fakeApi = await startFakeApi(approveAll);
afterAll(() => fakeApi.close());
const claude = () =>
  createClaudeEngine({
    apiKey: "test",
    baseURL: fakeApi.url,
    model: "fake",
    maxInputTokens: 1_000_000,
    maxOutputTokens: 100_000,
    timeoutMs: 5_000,
    maxRetries: 0,
    fallback: createOfflineEngine(),
    log: silentLogger,
  });
const engines: [string, () => Engine][] = [
  ["offline", createOfflineEngine],
  ["claude (fake Messages API agreeing with every cluster)", claude],
];

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

describe.each(engines)("engine contract: %s", (_name, make) => {
  it("proposes only operations that pass the code checks", async () => {
    const c = ctx();
    const { operations } = await make().consolidate(c);
    expect(operations.length).toBeGreaterThan(0);
    expect(check(c, operations).refused).toEqual([]);
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
