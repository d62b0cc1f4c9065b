import { z } from "zod";
import { claims, headJson, isObj, looksJson } from "./records.ts";
import {
  contentText,
  isoOrNull,
  type Message,
  normalizeRole,
  TranscriptError,
  type TranscriptFormat,
} from "./session.ts";

const messageSchema = z.object({
  role: z.string(),
  content: z.unknown(),
  timestamp: z.unknown().optional(),
});
const fileSchema = z.union([
  z.array(messageSchema),
  z.object({
    id: z.string().optional(),
    created_at: z.unknown().optional(),
    messages: z.array(messageSchema),
  }),
]);

/** Messages with a role: the whole head when it parses, else (a cut head) a role key near the start. */
export function chatHead(head: string): { list: unknown[] | null; roles: boolean } {
  const v = headJson(head);
  const list = Array.isArray(v) ? v : isObj(v) && Array.isArray(v.messages) ? v.messages : null;
  if (list) return { list, roles: list.some((m) => isObj(m) && typeof m.role === "string") };
  if (v !== undefined) return { list: null, roles: false };
  return { list: null, roles: looksJson(head) && /"role"\s*:\s*"[a-z]+"/.test(head.slice(0, 4096)) };
}

/**
 * Anthropic Messages API style: `[{role, content}]`, or `{id?, created_at?, messages: [...]}`. Claimed
 * when the JSON is a list of messages with a role (more specific chat formats are sniffed first).
 */
export const messagesJson: TranscriptFormat = {
  name: "messages-json",
  sniff: (head) => claims(chatHead(head).roles, looksJson(head)),
  parse(text) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (cause) {
      throw new TranscriptError(`invalid JSON: ${(cause as Error).message}`, { cause });
    }
    const parsed = fileSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TranscriptError(
        `not a Messages transcript: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? ""}`.trim(),
      );
    }
    const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.messages;
    const meta = Array.isArray(parsed.data) ? null : parsed.data;
    const messages: Message[] = [];
    const warnings: string[] = [];
    list.forEach((m, i) => {
      const t = contentText(m.content);
      if (t === null) {
        warnings.push(`message ${i}: content must be a string or content blocks`);
        return;
      }
      if (!t.trim()) return;
      messages.push({
        index: messages.length,
        role: normalizeRole(m.role),
        text: t,
        timestamp: isoOrNull(m.timestamp),
      });
    });
    if (messages.length === 0) throw new TranscriptError(warnings[0] ?? "no messages");
    const startedAt = isoOrNull(meta?.created_at) ?? messages.find((m) => m.timestamp)?.timestamp ?? null;
    return {
      sessionId: meta?.id ?? null,
      startedAt,
      messages,
      warnings,
      records: { count: list.length, unit: "messages" },
    };
  },
};
