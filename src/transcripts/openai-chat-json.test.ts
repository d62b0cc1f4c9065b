import { describe, expect, it } from "vitest";
import { formatContract } from "./contract.suite.ts";
import { openaiChatJson } from "./openai-chat-json.ts";

// The Chat Completions message shape (by hand).
const messages = [
  { role: "system", content: "You are a coding agent." },
  { role: "user", content: [{ type: "text", text: "Use pnpm here." }], timestamp: "2026-03-02T09:00:01Z" },
  {
    role: "assistant",
    content: null,
    tool_calls: [
      { id: "c1", type: "function", function: { name: "read_file", arguments: '{"path":"package.json"}' } },
    ],
  },
  { role: "tool", tool_call_id: "c1", content: "ok" },
  { role: "assistant", content: "Will do.", timestamp: "2026-03-02T09:00:05Z" },
];

formatContract(openaiChatJson, "chat.json", JSON.stringify(messages));
formatContract(
  openaiChatJson,
  "export.json",
  JSON.stringify({ id: "x", created_at: "2026-03-02T09:00:00Z", messages }, null, 1),
);

describe("OpenAI-style chats", () => {
  it("system prompt is system, tool calls and tool messages are tool", () => {
    const s = openaiChatJson.parse(JSON.stringify(messages), "chat.json");
    expect(s.messages.map((m) => m.role)).toEqual(["system", "user", "tool", "tool", "assistant"]);
  });
});
