import { describe, expect, it } from "vitest";
import { formatContract } from "./contract.suite.ts";
import { messagesJson } from "./messages-json.ts";

formatContract(
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
);

describe("malformed input", () => {
  it("Messages JSON: truncated and wrongly typed files are errors", () => {
    expect(() => messagesJson.parse('[{"role":"user","content":"hi"', "x.json")).toThrow(/invalid JSON/);
    expect(() => messagesJson.parse('{"messages": "nope"}', "x.json")).toThrow(/not a Messages transcript/);
    expect(() => messagesJson.parse("42", "x.json")).toThrow(/not a Messages transcript/);
  });
});
