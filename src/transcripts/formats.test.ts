import { describe, expect, it } from "vitest";
import { claudeJsonl } from "./claude-jsonl.ts";
import { messagesJson } from "./messages-json.ts";
import { plainText } from "./plain-text.ts";
import { createFormatRegistry } from "./registry.ts";
import type { TranscriptFormat } from "./session.ts";

/** One conversation written in every supported format; each must parse to the same messages. */
const cases: [TranscriptFormat, string, string][] = [
  [
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
  ],
  [
    messagesJson,
    "s.json",
    JSON.stringify({
      id: "abc",
      created_at: "2026-03-02T09:00:00Z",
      messages: [
        { role: "user", content: "Use pnpm here." },
        { role: "assistant", content: [{ type: "text", text: "Will do." }] },
      ],
    }),
  ],
  [plainText, "2026-03-02-s.md", "## User\nUse pnpm here.\n\n## Assistant\nWill do.\n"],
  [plainText, "2026-03-02-s.txt", "User: Use pnpm here.\nAssistant: Will do.\n"],
];

describe.each(cases)("transcript format contract: %s (%s)", (format, file, text) => {
  it("claims its files and yields user and assistant messages in order", () => {
    expect(createFormatRegistry().forFile(file)).toBe(format);
    const s = format.parse(text, file);
    expect(s.messages.map((m) => [m.index, m.role, m.text])).toEqual([
      [0, "user", "Use pnpm here."],
      [1, "assistant", "Will do."],
    ]);
    expect(s.startedAt?.slice(0, 10)).toBe("2026-03-02");
  });

  it("rejects an empty file with a TranscriptError", () => {
    expect(() => format.parse("", file)).toThrow(/./);
  });
});

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

  it("Messages JSON: truncated and wrongly typed files are errors", () => {
    expect(() => messagesJson.parse('[{"role":"user","content":"hi"', "x.json")).toThrow(/invalid JSON/);
    expect(() => messagesJson.parse('{"messages": "nope"}', "x.json")).toThrow(/not a Messages transcript/);
    expect(() => messagesJson.parse("42", "x.json")).toThrow(/not a Messages transcript/);
  });

  it("plain text without speaker markers is one message", () => {
    const s = plainText.parse("User accounts are stored in Postgres.\n", "notes.txt");
    expect(s.messages.map((m) => m.role)).toEqual(["unknown"]);
  });
});
