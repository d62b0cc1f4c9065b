import { personText } from "./openclaw-envelope.ts";
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
import { CLAIMS, isoOrNull, TranscriptError, type TranscriptFormat } from "./session.ts";

/** Text blocks of OpenClaw content (a string, or blocks); thinking, images and tool calls are not text. */
function blocksText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((b): b is Obj => isObj(b) && b.type === "text" && typeof b.text === "string")
    .map((b) => b.text as string)
    .join("\n");
}

const isOwnLine = (o: Obj) =>
  (o.type === "session" && typeof o.id === "string" && "version" in o) ||
  (o.type === "message" && isObj(o.message) && typeof o.message.role === "string");

/** Closer than any other format's guess, never a claim. */
const NOT_OURS = 0.9;

/**
 * OpenClaw files that sit beside its transcripts and are not one: the session index, a running session's
 * lock, and a session's trajectory trace (`<id>.trajectory.jsonl`, runtime events whose conversation is
 * the session's own `<id>.jsonl`). Named as such, so the report says what they are rather than the
 * closest guess (Claude Code's format took the traces for its own and found no message in them).
 */
function ownNonTranscript(text: string, file: string): { what: string; score: number } | null {
  const name = file.split("/").at(-1) ?? "";
  // A trace is claimed, since another format would take it for its own, and refused with its name.
  if (/^\{"traceSchema"\s*:\s*"openclaw-trajectory"/.test(text))
    return {
      what: "an OpenClaw trajectory trace (runtime events; the conversation is in the session's own .jsonl), not a transcript",
      score: CLAIMS,
    };
  if (name.endsWith(".jsonl.lock") && /"pid"\s*:/.test(text.slice(0, 200)))
    return {
      what: "an OpenClaw session lock (the pid of a running session), not a transcript",
      score: NOT_OURS,
    };
  if (name === "sessions.json" && /"sessionId"\s*:/.test(text.slice(0, 4_000)))
    return { what: "OpenClaw's session index (sessions.json), not a transcript", score: NOT_OURS };
  return null;
}

/**
 * OpenClaw (and clawdbot / pi) session logs, `~/.openclaw/agents/<agent>/sessions/<id>.jsonl`: a
 * `{type: "session", version, id, timestamp, cwd}` header, then `{type: "message", id, parentId,
 * timestamp, message: {role, content, timestamp}}` lines, role user / assistant / toolResult, content
 * text, thinking, toolCall and image blocks; model_change, thinking_level_change, custom and compaction
 * lines are not conversation. Tool calls and tool results are kept as `tool` messages; a user turn keeps
 * only what the person typed (openclaw-envelope.ts), and a runtime event sent as one is `system`.
 */
export const openclawJsonl: TranscriptFormat = {
  name: "openclaw-jsonl",
  sniff(head, file) {
    const not = ownNonTranscript(head, file);
    if (not) return not.score;
    const h = headObjects(head);
    return claims(h.objects.some(isOwnLine), isJsonlHead(h));
  },
  parse(text, file) {
    const not = ownNonTranscript(text, file);
    if (not) throw new TranscriptError(not.what);
    const { lines, warnings, count } = readJsonl(text);
    const list = new MessageList();
    let sessionId: string | null = null;
    let startedAt: string | null = null;
    // A session another agent spawned (its header names a parent session or a subagent origin): its
    // "user" turns are that agent's task prompts, not a person's words.
    let spawned = false;
    for (const { line, obj: o } of lines) {
      if (o.type === "session") {
        if (typeof o.id === "string") sessionId ??= o.id;
        startedAt ??= isoOrNull(o.timestamp);
        spawned ||= typeof o.parentSession === "string" || o.origin === "subagent";
        continue;
      }
      if (o.type !== "message") continue;
      const m = o.message;
      if (!isObj(m) || typeof m.role !== "string") {
        warnings.push(`line ${line}: message line without a message role`);
        continue;
      }
      const at = isoOrNull(o.timestamp) ?? isoOrNull(m.timestamp);
      if (m.role === "user") {
        // The person's words without OpenClaw's envelopes; a runtime event (or a spawning agent's prompt)
        // sent as a user turn is system.
        const text = blocksText(m.content);
        const person = spawned ? null : personText(text);
        if (person === null) list.add("system", text, at);
        else list.add("user", person, at);
      } else if (m.role === "assistant") {
        list.add("assistant", blocksText(m.content), at);
        if (Array.isArray(m.content))
          for (const b of m.content)
            if (isObj(b) && b.type === "toolCall") list.add("tool", toolCall(b.name, b.arguments), at);
      } else if (m.role === "toolResult") list.add("tool", anyText(m.content), at);
      else list.add("system", blocksText(m.content), at);
    }
    return finish(list, { sessionId, startedAt, warnings, records: { count, unit: "lines" } });
  },
};
