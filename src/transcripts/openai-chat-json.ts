import { chatHead } from "./messages-json.ts";
import {
  anyText,
  claims,
  finish,
  isObj,
  looksJson,
  MessageList,
  type Obj,
  parseJson,
  toolCall,
} from "./records.ts";
import { isoOrNull, TranscriptError, type TranscriptFormat } from "./session.ts";

/** What only OpenAI-style chats have: tool calls, a tool / function / developer role, typed parts. */
const isOpenAi = (m: unknown) =>
  isObj(m) &&
  (Array.isArray(m.tool_calls) ||
    isObj(m.function_call) ||
    m.role === "tool" ||
    m.role === "function" ||
    m.role === "developer" ||
    (Array.isArray(m.content) &&
      m.content.some(
        (p) => isObj(p) && /^(input_text|image_url|input_image|refusal)$/.test(String(p.type)),
      )));

function partsText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((p): p is Obj => isObj(p) && typeof p.text === "string" && /^(input_)?text$/.test(String(p.type)))
    .map((p) => p.text as string)
    .join("\n");
}

/**
 * OpenAI Chat Completions style exports: `[{role, content, tool_calls?, tool_call_id?}]` or
 * `{messages: [...]}`, roles system / developer / user / assistant / tool (function, formerly). Claimed
 * when the messages have something only this style has (tool_calls, a tool role, typed parts): a plain
 * `[{role, content}]` is messages-json's, which reads it the same. Tool calls and results are `tool`.
 */
export const openaiChatJson: TranscriptFormat = {
  name: "openai-chat-json",
  sniff(head) {
    const h = chatHead(head);
    if (h.list) return claims(h.list.some(isOpenAi), looksJson(head));
    const start = head.slice(0, 16_384);
    return claims(h.roles && /"tool_calls"\s*:|"role"\s*:\s*"(tool|developer)"/.test(start), looksJson(head));
  },
  parse(text) {
    const data = parseJson(text);
    const list0 = Array.isArray(data)
      ? data
      : isObj(data) && Array.isArray(data.messages)
        ? data.messages
        : null;
    if (!list0?.some((m) => isObj(m) && typeof m.role === "string")) {
      throw new TranscriptError("not an OpenAI chat ([{role, content}] or {messages: [...]})");
    }
    const list = new MessageList();
    const warnings: string[] = [];
    list0.forEach((m, i) => {
      if (!isObj(m) || typeof m.role !== "string") {
        warnings.push(`message ${i}: no role`);
        return;
      }
      const at = isoOrNull(m.timestamp ?? m.created_at);
      if (m.role === "user") list.add("user", partsText(m.content), at);
      else if (m.role === "assistant") list.add("assistant", partsText(m.content), at);
      else if (m.role === "tool" || m.role === "function") list.add("tool", anyText(m.content), at);
      else list.add("system", partsText(m.content), at);
      if (Array.isArray(m.tool_calls))
        for (const c of m.tool_calls.filter(isObj)) {
          const fn = isObj(c.function) ? c.function : c;
          list.add("tool", toolCall(fn.name, fn.arguments), at);
        }
      if (isObj(m.function_call))
        list.add("tool", toolCall(m.function_call.name, m.function_call.arguments), at);
    });
    const meta = isObj(data) && !Array.isArray(data) ? data : null;
    return finish(list, {
      sessionId: typeof meta?.id === "string" ? meta.id : null,
      startedAt: isoOrNull(meta?.created_at ?? meta?.created),
      warnings,
      records: { count: list0.length, unit: "messages" },
    });
  },
};
