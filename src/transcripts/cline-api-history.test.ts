import { describe, expect, it } from "vitest";
import { clineApiHistory } from "./cline-api-history.ts";
import { formatContract } from "./contract.suite.ts";

const t0 = Date.parse("2026-03-02T09:00:00Z");
const env = "<environment_details>\n# VSCode Visible Files\npackage.json\n</environment_details>";
// The shape Cline writes (by hand, no real data).
const history = [
  {
    role: "user",
    content: [
      { type: "text", text: "<task>\nUse pnpm here.\n</task>" },
      { type: "text", text: env },
    ],
    ts: t0,
  },
  {
    role: "assistant",
    content: [{ type: "tool_use", id: "t1", name: "read_file", input: { path: "package.json" } }],
    ts: t0 + 1000,
  },
  {
    role: "user",
    content: [
      { type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "ok" }] },
      { type: "text", text: env },
    ],
    ts: t0 + 2000,
  },
  { role: "assistant", content: [{ type: "text", text: "Will do." }], ts: t0 + 3000 },
];
const text = JSON.stringify(history);

formatContract(clineApiHistory, "api_conversation_history.json", text);

describe("Cline api_conversation_history.json", () => {
  it("the environment Cline attaches is system, tool use and results are tool", () => {
    const s = clineApiHistory.parse(text, "api_conversation_history.json");
    expect(s.messages.map((m) => m.role)).toEqual(["user", "system", "tool", "tool", "system", "assistant"]);
    expect(s.startedAt).toBe("2026-03-02T09:00:00.000Z");
  });

  it("older histories without ts and with text tool results", () => {
    const s = clineApiHistory.parse(
      JSON.stringify([
        { role: "user", content: "<task>\nUse pnpm here.\n</task>" },
        { role: "assistant", content: "<read_file><path>a</path></read_file>" },
        { role: "user", content: [{ type: "text", text: "[read_file for 'a'] Result:\nok" }] },
      ]),
      "api_conversation_history.json",
    );
    expect(s.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(s.startedAt).toBeNull();
  });
});
