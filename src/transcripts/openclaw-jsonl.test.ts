import { describe, expect, it } from "vitest";
import { formatContract } from "./contract.suite.ts";
import { openclawJsonl } from "./openclaw-jsonl.ts";
import { readTranscript } from "./read-transcript.ts";
import { createFormatRegistry } from "./registry.ts";

// The shape OpenClaw writes: a session header, then message lines (written here by hand, no real data).
const lines = [
  { type: "session", version: 3, id: "s-1", timestamp: "2026-03-02T09:00:00.000Z", cwd: "/home/u/proj" },
  {
    type: "model_change",
    id: "a1",
    parentId: null,
    timestamp: "2026-03-02T09:00:00.100Z",
    provider: "anthropic",
    modelId: "m",
  },
  {
    type: "message",
    id: "a2",
    parentId: "a1",
    timestamp: "2026-03-02T09:00:01.000Z",
    message: { role: "user", content: [{ type: "text", text: "Use pnpm here." }], timestamp: 1772442001000 },
  },
  {
    type: "message",
    id: "a3",
    parentId: "a2",
    timestamp: "2026-03-02T09:00:03.000Z",
    message: {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "the user wants pnpm" },
        { type: "toolCall", id: "c1", name: "exec", arguments: { command: "cat package.json" } },
      ],
      stopReason: "toolUse",
    },
  },
  {
    type: "message",
    id: "a4",
    parentId: "a3",
    timestamp: "2026-03-02T09:00:04.000Z",
    message: {
      role: "toolResult",
      toolCallId: "c1",
      toolName: "exec",
      content: [{ type: "text", text: "ok" }],
    },
  },
  {
    type: "message",
    id: "a5",
    parentId: "a4",
    timestamp: "2026-03-02T09:00:05.000Z",
    message: { role: "assistant", content: [{ type: "text", text: "Will do." }], stopReason: "stop" },
  },
  {
    type: "custom",
    customType: "note",
    data: {},
    id: "a6",
    parentId: "a5",
    timestamp: "2026-03-02T09:00:06.000Z",
  },
];
const text = lines.map((l) => JSON.stringify(l)).join("\n");

formatContract(openclawJsonl, "0d9c4a1e-5b6f.jsonl", text, { lines: true });

describe("OpenClaw sessions", () => {
  it("keeps tool calls and results as tool messages, never as the user's words", () => {
    const s = openclawJsonl.parse(text, "s.jsonl");
    expect(s.sessionId).toBe("s-1");
    expect(s.startedAt).toBe("2026-03-02T09:00:00.000Z");
    expect(s.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "Use pnpm here."],
      ["tool", 'exec({"command":"cat package.json"})'],
      ["tool", "ok"],
      ["assistant", "Will do."],
    ]);
  });

  it("reads the user turns of a session another agent spawned as that agent's prompts, not a person's", () => {
    const child = [{ ...lines[0], id: "child", parentSession: "s-1", origin: "subagent" }, ...lines.slice(1)];
    const s = openclawJsonl.parse(child.map((l) => JSON.stringify(l)).join("\n"), "child.jsonl");
    expect(s.messages.filter((m) => m.role === "user")).toEqual([]);
    expect(s.messages.some((m) => m.role === "system" && m.text === "Use pnpm here.")).toBe(true);
  });

  it("a session of only a header and bookkeeping has no messages", () => {
    expect(() => openclawJsonl.parse(JSON.stringify(lines[0]), "s.jsonl")).toThrow(
      "no user or assistant messages",
    );
  });
});

describe("OpenClaw's files beside its transcripts", () => {
  it("reports its session index and a session's lock as what they are, not as a closest guess", () => {
    const registry = createFormatRegistry();
    const index = JSON.stringify({ "agent:main:main": { sessionId: "abc", updatedAt: 1 } }, null, 2);
    const lock = JSON.stringify({ pid: 4242, createdAt: "2026-02-15T12:00:00.000Z" }, null, 2);
    const a = readTranscript(registry, index, "agents/main/sessions/sessions.json");
    const b = readTranscript(registry, lock, "agents/main/sessions/abc.jsonl.lock");
    expect(a.ok ? "" : a.error).toBe(
      "no transcript format recognises its content (closest: openclaw-jsonl: OpenClaw's session index (sessions.json), not a transcript)",
    );
    expect(b.ok ? "" : b.error).toContain("closest: openclaw-jsonl: an OpenClaw session lock");
    const trace = `${JSON.stringify({ traceSchema: "openclaw-trajectory", schemaVersion: 1, type: "session.started", sessionId: "abc", ts: "2026-05-12T23:01:19.349Z" })}\n${JSON.stringify({ traceSchema: "openclaw-trajectory", type: "session.ended", sessionId: "abc" })}\n`;
    const c = readTranscript(registry, trace, "agents/main/sessions/abc.trajectory.jsonl");
    expect(c.ok ? "" : c.error).toBe(
      "openclaw-jsonl: an OpenClaw trajectory trace (runtime events; the conversation is in the session's own .jsonl), not a transcript",
    );
    // Another sessions.json is judged on its content like any file.
    expect(readTranscript(registry, lock, "sessions.json").ok).toBe(false);
  });
});
