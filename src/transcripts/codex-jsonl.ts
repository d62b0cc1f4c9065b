import {
  anyText,
  claims,
  finish,
  headObjects,
  isJsonlHead,
  isObj,
  MessageList,
  type Obj,
  readJsonl,
  toolCall,
} from "./records.ts";
import { isoOrNull, type TranscriptFormat } from "./session.ts";

const WRAPPERS = new Set(["session_meta", "response_item", "event_msg", "turn_context", "compacted"]);

/** Context Codex injects as user messages: AGENTS.md, environment and instructions blocks. */
const INJECTED = /^\s*(<environment_context>|<user_instructions>|<INSTRUCTIONS>|# AGENTS\.md instructions)/;

function itemText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter(
      (b): b is Obj =>
        isObj(b) && typeof b.text === "string" && /^(input_|output_)?text$/.test(String(b.type)),
    )
    .map((b) => b.text as string)
    .join("\n");
}

const isItem = (o: Obj) =>
  o.type === "message" && typeof o.role === "string" && Array.isArray(o.content) && !("message" in o);

/**
 * OpenAI Codex CLI rollouts, `~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`: lines
 * `{timestamp, type, payload}` of type session_meta (id, timestamp, cwd), response_item (message with
 * input_text / output_text blocks, function_call, function_call_output, reasoning…), event_msg and
 * turn_context. event_msg repeats the response items for the UI, so only response items are read.
 * Older rollouts: a `{id, timestamp, instructions}` first line, then the response items bare, and
 * `{record_type: "state"}` lines. Injected context (AGENTS.md, environment) is `system`.
 */
export const codexJsonl: TranscriptFormat = {
  name: "codex-jsonl",
  sniff(head) {
    const h = headObjects(head);
    const own = h.objects.some(
      (o) =>
        (typeof o.type === "string" && WRAPPERS.has(o.type) && isObj(o.payload)) ||
        "record_type" in o ||
        isItem(o),
    );
    return claims(own, isJsonlHead(h));
  },
  parse(text) {
    const { lines, warnings, count } = readJsonl(text);
    const list = new MessageList();
    let sessionId: string | null = null;
    let startedAt: string | null = null;
    lines.forEach(({ obj: o }, i) => {
      const wrapped = typeof o.type === "string" && WRAPPERS.has(o.type);
      if (o.type === "session_meta" || (!wrapped && i === 0 && typeof o.id === "string" && !("type" in o))) {
        const meta = isObj(o.payload) ? o.payload : o;
        if (typeof meta.id === "string") sessionId ??= meta.id;
        startedAt ??= isoOrNull(meta.timestamp) ?? isoOrNull(o.timestamp);
        return;
      }
      if (wrapped && o.type !== "response_item") return;
      const item = wrapped ? o.payload : o;
      if (!isObj(item)) return;
      const at = isoOrNull(o.timestamp);
      switch (item.type) {
        case "message": {
          const t = itemText(item.content);
          if (item.role === "user") list.add(INJECTED.test(t) ? "system" : "user", t, at);
          else if (item.role === "assistant") list.add("assistant", t, at);
          else list.add("system", t, at);
          return;
        }
        case "function_call":
        case "custom_tool_call":
          list.add("tool", toolCall(item.name, item.arguments ?? item.input), at);
          return;
        case "local_shell_call":
          list.add("tool", toolCall("shell", isObj(item.action) ? item.action.command : item.action), at);
          return;
        case "function_call_output":
        case "custom_tool_call_output":
          list.add("tool", anyText(item.output), at);
          return;
        default:
          return; // reasoning (often encrypted), web searches, state records
      }
    });
    return finish(list, { sessionId, startedAt, warnings, records: { count, unit: "lines" } });
  },
};
