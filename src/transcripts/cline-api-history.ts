import {
  anyText,
  claims,
  finish,
  headJson,
  isObj,
  looksJson,
  MessageList,
  parseJson,
  toolCall,
} from "./records.ts";
import { isoOrNull, type Role, TranscriptError, type TranscriptFormat } from "./session.ts";

// What Cline wraps around the user's words, and what it adds to every turn.
const MARKERS = /<task>|<environment_details>|<feedback>|<user_message>|\[TASK RESUMPTION\]/;
const WRAPPER = /<\/?(task|feedback|user_message)>/g;
const ENV = /<environment_details>[\s\S]*?(<\/environment_details>|$)/g;

/** One user text block: the user's words, the environment Cline attached, a tool result in text form. */
function userBlock(text: string): [Role, string][] {
  const env = text.match(ENV) ?? [];
  const rest = text.replace(ENV, "");
  const out: [Role, string][] = [];
  if (/^\s*\[[^\]]+\] Result:/.test(rest)) out.push(["tool", rest]);
  else if (/^\s*\[TASK RESUMPTION\]/.test(rest)) out.push(["system", rest]);
  else out.push(["user", rest.replace(WRAPPER, "")]);
  for (const e of env) out.push(["system", e]);
  return out;
}

const isApiMessage = (m: unknown) =>
  isObj(m) &&
  (m.role === "user" || m.role === "assistant") &&
  (typeof m.content === "string" || Array.isArray(m.content));

/**
 * Cline / Roo Code task API logs, `<globalStorage>/tasks/<taskId>/api_conversation_history.json`:
 * Anthropic messages (`[{role, content, ts?}]`) as sent to the model, the user's words wrapped in
 * `<task>` / `<feedback>` and followed by `<environment_details>`. Claimed on those markers (plain
 * Anthropic messages are messages-json's); the environment is `system`, tool uses and results `tool`.
 */
export const clineApiHistory: TranscriptFormat = {
  name: "cline-api-history",
  sniff(head) {
    const v = headJson(head);
    const start = head.slice(0, 16_384);
    if (Array.isArray(v)) return claims(v.some(isApiMessage) && MARKERS.test(start), true);
    if (v !== undefined) return 0;
    return claims(
      /^\s*\[\s*\{[\s\S]*?"role"\s*:\s*"user"/.test(start) && MARKERS.test(start),
      looksJson(head),
    );
  },
  parse(text) {
    const data = parseJson(text);
    if (!Array.isArray(data) || !data.some(isApiMessage)) {
      throw new TranscriptError("not a Cline API history ([{role, content}] messages)");
    }
    const list = new MessageList();
    const warnings: string[] = [];
    data.forEach((m, i) => {
      if (!isApiMessage(m) || !isObj(m)) {
        warnings.push(`message ${i}: not a {role: user|assistant, content} message`);
        return;
      }
      const at = isoOrNull(m.ts);
      const blocks =
        typeof m.content === "string" ? [{ type: "text", text: m.content }] : (m.content as unknown[]);
      for (const b of blocks) {
        if (!isObj(b)) continue;
        if (b.type === "text" && typeof b.text === "string") {
          if (m.role === "assistant") list.add("assistant", b.text, at);
          else for (const [role, t] of userBlock(b.text)) list.add(role, t, at);
        } else if (b.type === "tool_use") list.add("tool", toolCall(b.name, b.input), at);
        else if (b.type === "tool_result") list.add("tool", anyText(b.content), at);
      }
    });
    return finish(list, { sessionId: null, warnings, records: { count: data.length, unit: "messages" } });
  },
};
