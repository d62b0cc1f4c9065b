import { describe, expect, it } from "vitest";
import { codexJsonl } from "./codex-jsonl.ts";
import { formatContract } from "./contract.suite.ts";

const at = (s: number) => `2026-03-02T09:00:0${s}.000Z`;
const item = (s: number, payload: object) => ({ timestamp: at(s), type: "response_item", payload });
// A rollout in the shape Codex CLI writes (by hand, no real data).
const rollout = [
  {
    timestamp: at(0),
    type: "session_meta",
    payload: {
      id: "0199-abc",
      timestamp: at(0),
      cwd: "/w",
      originator: "codex_cli_rs",
      cli_version: "0.46.0",
    },
  },
  item(1, {
    type: "message",
    role: "user",
    content: [{ type: "input_text", text: "<environment_context>\n  <cwd>/w</cwd>\n</environment_context>" }],
  }),
  item(1, { type: "message", role: "user", content: [{ type: "input_text", text: "Use pnpm here." }] }),
  {
    timestamp: at(1),
    type: "event_msg",
    payload: { type: "user_message", message: "Use pnpm here.", kind: "plain" },
  },
  { timestamp: at(1), type: "turn_context", payload: { cwd: "/w", model: "gpt-5-codex" } },
  item(2, { type: "reasoning", summary: [], encrypted_content: "gAAA" }),
  item(3, {
    type: "function_call",
    name: "shell",
    arguments: '{"command":["cat","package.json"]}',
    call_id: "c1",
  }),
  item(4, {
    type: "function_call_output",
    call_id: "c1",
    output: '{"output":"ok","metadata":{"exit_code":0}}',
  }),
  item(5, { type: "message", role: "assistant", content: [{ type: "output_text", text: "Will do." }] }),
  { timestamp: at(5), type: "event_msg", payload: { type: "agent_message", message: "Will do." } },
];
const text = rollout.map((l) => JSON.stringify(l)).join("\n");

formatContract(codexJsonl, "rollout-2026-03-02T09-00-00-0199-abc.jsonl", text, { lines: true });

// The first rollouts (spring 2025): a bare header line, then the response items themselves.
formatContract(
  codexJsonl,
  "rollout-2026-03-02-legacy.jsonl",
  [
    { id: "legacy-1", timestamp: "2026-03-02T09:00:00.000Z", instructions: null },
    { record_type: "state" },
    { type: "message", role: "user", content: [{ type: "input_text", text: "Use pnpm here." }] },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "Will do." }] },
  ]
    .map((l) => JSON.stringify(l))
    .join("\n"),
);

describe("Codex rollouts", () => {
  it("injected context is system, tool calls and outputs are tool, event_msg copies are not read twice", () => {
    const s = codexJsonl.parse(text, "r.jsonl");
    expect(s.sessionId).toBe("0199-abc");
    expect(s.messages.map((m) => m.role)).toEqual(["system", "user", "tool", "tool", "assistant"]);
    expect(s.messages[1]?.timestamp).toBe(at(1));
  });
});
