import { describe, expect, it } from "vitest";
import { claudeJsonl } from "./claude-jsonl.ts";
import { formatContract } from "./contract.suite.ts";

formatContract(
  claudeJsonl,
  "s.jsonl",
  [
    JSON.stringify({ type: "summary", summary: "x" }),
    JSON.stringify({
      type: "user",
      sessionId: "abc",
      timestamp: "2026-03-02T09:00:00Z",
      message: { role: "user", content: "Use pnpm here." },
    }),
    JSON.stringify({
      type: "assistant",
      sessionId: "abc",
      timestamp: "2026-03-02T09:00:05Z",
      message: {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "hm" },
          { type: "text", text: "Will do." },
          { type: "tool_use", id: "1", name: "Bash", input: {} },
        ],
      },
    }),
    JSON.stringify({
      type: "user",
      message: { role: "user", content: [{ type: "tool_result", tool_use_id: "1", content: "ok" }] },
    }),
  ].join("\n"),
  { lines: true },
);

describe("malformed input", () => {
  it("JSONL: a broken line is a warning, the rest is kept", () => {
    const s = claudeJsonl.parse(
      `${JSON.stringify({ type: "user", message: { content: "hi" } })}\n{"type":"user","mess\n${JSON.stringify({ type: "user", message: { content: 42 } })}\n`,
      "x.jsonl",
    );
    expect(s.messages).toHaveLength(1);
    expect(s.warnings).toEqual([
      "line 2: invalid JSON",
      "line 3: message.content must be a string or content blocks",
    ]);
  });

  it("JSONL: nothing usable is an error naming the first problem", () => {
    expect(() => claudeJsonl.parse("{oops\n", "x.jsonl")).toThrow(
      "no usable messages (line 1: invalid JSON)",
    );
  });
});
