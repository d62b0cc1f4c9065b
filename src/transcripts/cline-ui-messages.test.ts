import { describe, expect, it } from "vitest";
import { clineUiMessages } from "./cline-ui-messages.ts";
import { formatContract } from "./contract.suite.ts";

const t0 = Date.parse("2026-03-02T09:00:00Z");
// The shape Cline writes (by hand, no real data).
const ui = [
  { ts: t0, type: "say", say: "task", text: "Use pnpm here." },
  { ts: t0 + 1000, type: "say", say: "api_req_started", text: '{"request":"<task>…</task>","tokensIn":10}' },
  { ts: t0 + 2000, type: "say", say: "reasoning", text: "they want pnpm" },
  { ts: t0 + 3000, type: "ask", ask: "command", text: "cat package.json" },
  { ts: t0 + 4000, type: "say", say: "command_output", text: "ok" },
  { ts: t0 + 5000, type: "say", say: "text", text: "Will do.", partial: false },
  { ts: t0 + 6000, type: "ask", ask: "completion_result", text: "" },
  { ts: t0 + 7000, type: "say", say: "checkpoint_created" },
];
const text = JSON.stringify(ui);

formatContract(clineUiMessages, "ui_messages.json", text);
formatContract(clineUiMessages, "renamed.json", JSON.stringify(ui, null, 2));

describe("Cline ui_messages.json", () => {
  it("commands and their output are tool messages; bookkeeping is dropped; followups speak their question", () => {
    const s = clineUiMessages.parse(
      JSON.stringify([
        ...ui,
        {
          ts: t0 + 8000,
          type: "ask",
          ask: "followup",
          text: '{"question":"Which lockfile?","options":["a"]}',
        },
        { ts: t0 + 9000, type: "say", say: "user_feedback", text: "pnpm-lock.yaml" },
        {
          ts: t0 + 9500,
          type: "say",
          say: "error",
          text: "Cline tried to use write_to_file without a path.",
        },
      ]),
      "ui_messages.json",
    );
    expect(s.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "Use pnpm here."],
      ["tool", "cat package.json"],
      ["tool", "ok"],
      ["assistant", "Will do."],
      ["assistant", "Which lockfile?"],
      ["user", "pnpm-lock.yaml"],
      ["system", "Cline tried to use write_to_file without a path."],
    ]);
    expect(s.startedAt).toBe("2026-03-02T09:00:00.000Z");
  });
});
