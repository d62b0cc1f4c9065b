import {
  anyText,
  claims,
  finish,
  headJson,
  isObj,
  looksJson,
  MessageList,
  type Obj,
  parseJson,
  toolCall,
} from "./records.ts";
import { isoOrNull, TranscriptError, type TranscriptFormat } from "./session.ts";

// The context Gemini CLI opens every chat with ("This is the Gemini CLI. We are setting up the context…").
const SETUP = /^\s*This is the Gemini CLI\. We are setting up the context/;

/** Add one `Content` ({role: user|model, parts}) of a checkpoint's history. */
function addContent(list: MessageList, c: Obj): void {
  const parts = Array.isArray(c.parts) ? c.parts.filter(isObj) : [];
  const text = parts
    .filter((p) => typeof p.text === "string" && p.thought !== true)
    .map((p) => p.text as string)
    .join("\n");
  if (c.role === "model") list.add("assistant", text);
  else list.add(SETUP.test(text) ? "system" : "user", text);
  for (const p of parts) {
    if (isObj(p.functionCall)) list.add("tool", toolCall(p.functionCall.name, p.functionCall.args));
    if (isObj(p.functionResponse)) list.add("tool", anyText(p.functionResponse.response));
  }
}

/** Add one message of a recorded chat ({type: user|gemini|info|error|warning, content, timestamp}). */
function addRecord(list: MessageList, m: Obj): void {
  const at = isoOrNull(m.timestamp);
  const text = anyText(m.content);
  if (m.type === "user") list.add("user", text, at);
  else if (m.type === "gemini") list.add("assistant", text, at);
  else list.add("system", text, at);
  if (Array.isArray(m.toolCalls))
    for (const call of m.toolCalls.filter(isObj)) {
      list.add("tool", toolCall(call.name, call.args), isoOrNull(call.timestamp) ?? at);
      if (call.result !== undefined) list.add("tool", anyText(call.result), isoOrNull(call.timestamp) ?? at);
    }
}

const isContent = (c: unknown) =>
  isObj(c) && (c.role === "user" || c.role === "model") && Array.isArray(c.parts);
const isRecord = (m: unknown) => isObj(m) && (m.type === "user" || m.type === "gemini") && "content" in m;

function shape(v: unknown): { history: Obj[] } | { chat: Obj } | null {
  if (Array.isArray(v) && v.some(isContent)) return { history: v.filter(isObj) };
  if (isObj(v) && Array.isArray(v.history) && v.history.some(isContent))
    return { history: v.history.filter(isObj) };
  if (isObj(v) && Array.isArray(v.messages) && v.messages.some(isRecord)) return { chat: v };
  return null;
}

/**
 * Gemini CLI, under `~/.gemini/tmp/<project hash>/`: saved chats and checkpoints (`/chat save <tag>`,
 * `checkpoint-<tag>.json`: `Content[]`, or `{history: Content[], authType}` — `{role: user|model,
 * parts: [{text} | {functionCall} | {functionResponse} | {thought, text}]}`, no times), and recorded
 * sessions (`chats/session-<time>-<id>.json`: `{sessionId, projectHash, startTime, lastUpdated,
 * messages: [{id, timestamp, type: user|gemini|info|error|warning, content, toolCalls?, thoughts?}]}`).
 */
export const geminiCli: TranscriptFormat = {
  name: "gemini-cli",
  sniff(head) {
    const v = headJson(head);
    if (v !== undefined) return claims(shape(v) !== null, looksJson(head));
    const start = head.slice(0, 16_384);
    const own =
      (/"role"\s*:\s*"(user|model)"/.test(start) && /"parts"\s*:/.test(start)) ||
      (/"sessionId"\s*:/.test(start) && /"type"\s*:\s*"(user|gemini)"/.test(start));
    return claims(looksJson(head) && own, looksJson(head));
  },
  parse(text) {
    const s = shape(parseJson(text));
    if (!s) throw new TranscriptError("not a Gemini CLI chat (Content[] history or {sessionId, messages})");
    const list = new MessageList();
    if ("history" in s) {
      for (const c of s.history) addContent(list, c);
      return finish(list, {
        sessionId: null,
        warnings: [],
        records: { count: s.history.length, unit: "contents" },
      });
    }
    const messages = (s.chat.messages as unknown[]).filter(isObj);
    for (const m of messages) addRecord(list, m);
    return finish(list, {
      sessionId: typeof s.chat.sessionId === "string" ? s.chat.sessionId : null,
      startedAt: isoOrNull(s.chat.startTime),
      warnings: [],
      records: { count: messages.length, unit: "messages" },
    });
  },
};
