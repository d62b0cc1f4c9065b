import { describe, expect, it } from "vitest";
import { formatContract } from "./contract.suite.ts";
import { geminiCli } from "./gemini-cli.ts";

// Shapes Gemini CLI writes (by hand, no real data).
const history = [
  {
    role: "user",
    parts: [
      { text: "This is the Gemini CLI. We are setting up the context for our chat.\nToday's date is …" },
    ],
  },
  { role: "model", parts: [{ text: "Got it. Thanks for the context!" }] },
  { role: "user", parts: [{ text: "Use pnpm here." }] },
  {
    role: "model",
    parts: [{ functionCall: { name: "read_file", args: { absolute_path: "/w/package.json" } } }],
  },
  {
    role: "user",
    parts: [{ functionResponse: { id: "r1", name: "read_file", response: { output: "ok" } } }],
  },
  { role: "model", parts: [{ text: "thinking about it", thought: true }, { text: "Will do." }] },
];
// The setup exchange is the harness's: only the model's acknowledgement would remain, so drop it here.
const contract = history.filter((_, i) => i !== 1);

formatContract(geminiCli, "checkpoint-pnpm.json", JSON.stringify(contract), { timeless: true });
formatContract(
  geminiCli,
  "checkpoint-new.json",
  JSON.stringify({ history: contract, authType: "oauth-personal" }),
  {
    timeless: true,
  },
);
formatContract(
  geminiCli,
  "session-2026-03-02T09-00-1a2b.json",
  JSON.stringify({
    sessionId: "1a2b",
    projectHash: "ab12",
    startTime: "2026-03-02T09:00:00.000Z",
    lastUpdated: "2026-03-02T09:01:00.000Z",
    messages: [
      { id: "m1", timestamp: "2026-03-02T09:00:01.000Z", type: "user", content: "Use pnpm here." },
      {
        id: "m2",
        timestamp: "2026-03-02T09:00:03.000Z",
        type: "gemini",
        content: "Will do.",
        toolCalls: [
          {
            id: "c1",
            name: "read_file",
            args: { absolute_path: "/w/package.json" },
            result: [{ functionResponse: { response: { output: "ok" } } }],
            status: "success",
            timestamp: "2026-03-02T09:00:02.000Z",
          },
        ],
        thoughts: [{ subject: "pnpm", description: "they want pnpm" }],
      },
      { id: "m3", timestamp: "2026-03-02T09:00:04.000Z", type: "info", content: "Request cancelled." },
    ],
  }),
);

describe("Gemini CLI chats", () => {
  it("the context set-up is system, function calls and responses are tool, thoughts are dropped", () => {
    const s = geminiCli.parse(JSON.stringify(history), "checkpoint-x.json");
    expect(s.messages.map((m) => m.role)).toEqual([
      "system",
      "assistant",
      "user",
      "tool",
      "tool",
      "assistant",
    ]);
    expect(s.messages.at(-1)?.text).toBe("Will do.");
  });
});
