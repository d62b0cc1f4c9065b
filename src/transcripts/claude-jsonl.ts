import { claims, headObjects, isJsonlHead, readJsonl } from "./records.ts";
import { contentText, isoOrNull, type Message, TranscriptError, type TranscriptFormat } from "./session.ts";

/**
 * Claude Code session logs: one JSON object a line, `type` user/assistant with `message.content`
 * (string or blocks), `timestamp` and `sessionId`. Other line types (summary, system, snapshots) are
 * ignored; a broken line is a warning, not a reason to drop the whole session. Claimed when a line has
 * Claude Code's shape: `type` user/assistant with a `message` object, or a `sessionId` beside a `type`.
 */
export const claudeJsonl: TranscriptFormat = {
  name: "claude-code-jsonl",
  sniff(head) {
    const h = headObjects(head);
    const own = h.objects.some(
      (o) =>
        ((o.type === "user" || o.type === "assistant") && !!o.message && typeof o.message === "object") ||
        (typeof o.sessionId === "string" && typeof o.type === "string"),
    );
    return claims(own, isJsonlHead(h));
  },
  parse(text) {
    const messages: Message[] = [];
    const { lines, warnings, count } = readJsonl(text);
    let sessionId: string | null = null;
    for (const { line, obj: o } of lines) {
      if (typeof o.sessionId === "string" && !sessionId) sessionId = o.sessionId;
      if (o.type !== "user" && o.type !== "assistant") continue;
      if (o.isMeta === true) continue;
      const msg = o.message as Record<string, unknown> | undefined;
      if (!msg || typeof msg !== "object") {
        warnings.push(`line ${line}: ${o.type} line without a message object`);
        continue;
      }
      const text = contentText(msg.content);
      if (text === null) {
        warnings.push(`line ${line}: message.content must be a string or content blocks`);
        continue;
      }
      if (!text.trim()) continue;
      messages.push({ index: messages.length, role: o.type, text, timestamp: isoOrNull(o.timestamp) });
    }
    if (messages.length === 0) {
      throw new TranscriptError(
        warnings.length ? `no usable messages (${warnings[0]})` : "no user or assistant messages",
      );
    }
    return {
      sessionId,
      startedAt: messages.find((m) => m.timestamp)?.timestamp ?? null,
      messages,
      warnings,
      records: { count, unit: "lines" },
    };
  },
};
