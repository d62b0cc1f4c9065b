import { claims, finish, headJson, isObj, looksJson, MessageList, parseJson } from "./records.ts";
import { isoOrNull, type Role, TranscriptError, type TranscriptFormat } from "./session.ts";

// Cline's `say` / `ask` subtypes (Roo Code uses the same), by who is speaking. Anything else is
// the extension's own bookkeeping: `system`.
const USER = new Set(["task", "user_feedback"]);
const ASSISTANT = new Set(["text", "completion_result", "followup", "plan_mode_respond"]);
const TOOL = new Set([
  "tool",
  "command",
  "command_output",
  "browser_action",
  "browser_action_launch",
  "browser_action_result",
  "use_mcp_server",
  "mcp_server_request_started",
  "mcp_server_response",
  "user_feedback_diff",
  "codebase_search_result",
]);
const DROPPED = new Set([
  "reasoning",
  "api_req_started",
  "api_req_finished",
  "api_req_retried",
  "checkpoint_created",
]);

function roleOf(kind: string): Role | null {
  if (DROPPED.has(kind)) return null;
  if (USER.has(kind)) return "user";
  if (ASSISTANT.has(kind)) return "assistant";
  return TOOL.has(kind) ? "tool" : "system";
}

/** A followup question or plan-mode answer is JSON (`{question, options}` / `{response}`): its words. */
function spoken(text: string): string {
  if (!text.startsWith("{")) return text;
  try {
    const v: unknown = JSON.parse(text);
    if (isObj(v)) for (const k of ["question", "response", "text"]) if (typeof v[k] === "string") return v[k];
  } catch {
    // not JSON after all: the text as written
  }
  return text;
}

const isClineMessage = (m: unknown) =>
  isObj(m) && typeof m.ts === "number" && (m.type === "say" || m.type === "ask");

/**
 * Cline / Roo Code task UI logs, `<globalStorage>/tasks/<taskId>/ui_messages.json`: an array of
 * `{ts, type: "say"|"ask", say?|ask?, text?, images?, partial?}`. `say: task` and `user_feedback` are
 * the user; `text`, `completion_result`, followup questions the assistant; tools, commands, browser and
 * MCP calls are `tool`; API request bookkeeping and reasoning are dropped, other notices are `system`.
 */
export const clineUiMessages: TranscriptFormat = {
  name: "cline-ui-messages",
  sniff(head) {
    const v = headJson(head);
    if (Array.isArray(v)) return claims(v.slice(0, 20).some(isClineMessage), true);
    if (v !== undefined) return 0;
    const start = head.slice(0, 4096);
    const own =
      /^\s*\[\s*\{/.test(start) && /"ts"\s*:\s*\d/.test(start) && /"type"\s*:\s*"(say|ask)"/.test(start);
    return claims(own, looksJson(head));
  },
  parse(text) {
    const data = parseJson(text);
    if (!Array.isArray(data) || !data.some(isClineMessage)) {
      throw new TranscriptError("not a Cline ui_messages array ({ts, type: say|ask} items)");
    }
    const list = new MessageList();
    const warnings: string[] = [];
    data.forEach((m, i) => {
      if (!isClineMessage(m) || !isObj(m)) {
        warnings.push(`item ${i}: not a {ts, type: say|ask} message`);
        return;
      }
      const kind = m.type === "say" ? m.say : m.ask;
      const role = typeof kind === "string" ? roleOf(kind) : "system";
      if (role && typeof m.text === "string") list.add(role, spoken(m.text), isoOrNull(m.ts));
    });
    return finish(list, { sessionId: null, warnings, records: { count: data.length, unit: "items" } });
  },
};
