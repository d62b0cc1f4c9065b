/** The normalized shape every transcript format parses into. */

/**
 * Who a message is from. `user` and `assistant` are the conversation; `tool` is a tool call or a tool's
 * output (a command's output is never the user speaking, even where the format files it under the user);
 * `system` is what the harness injected (environment details, notices, errors, context set-up). Later
 * stages read instructions only from `user` messages.
 */
export type Role = "user" | "assistant" | "system" | "tool" | "unknown";

export interface Message {
  /** Position among the session's kept messages; evidence cites it. */
  index: number;
  role: Role;
  text: string;
  timestamp: string | null;
}

export interface ParsedSession {
  sessionId: string | null;
  /** From the records (or, for text logs, the front matter or file name); null when none has a time. */
  startedAt: string | null;
  messages: Message[];
  /** Recoverable problems (a bad line in JSONL): reported, the rest of the file is used. */
  warnings: string[];
  /** How many records (lines, array items) the file held, for "3 of 120 lines unusable". */
  records?: { count: number; unit: string };
}

export interface Session extends ParsedSession {
  /** Path relative to the sessions dir: the id evidence cites. */
  id: string;
  format: string;
  sha256: string;
  bytes: number;
  mtimeMs: number;
  /** Where startedAt comes from: the file's records, or its mtime when no record has a time. */
  startedAtFrom: "records" | "mtime";
}

/** A file that cannot be used at all; the loader reports it and moves on. */
export class TranscriptError extends Error {
  override name = "TranscriptError";
}

/**
 * A sniff score. A format claims a file only with CLAIMS; a lower score says the file is of the same
 * kind (JSONL, a JSON array of messages, Markdown) without being this format, so that a file no format
 * claims is reported with the reason of the format it came closest to.
 */
export const CLAIMS = 1;
export const LOOKS_RELATED = 0.5;

export interface TranscriptFormat {
  name: string;
  /**
   * How much `head` (the file's first SNIFF_BYTES, possibly cut mid-record) looks like this format: 0,
   * LOOKS_RELATED or CLAIMS. The content decides; `file` (the path) may only add to what the content
   * shows, never claim by itself.
   */
  sniff(head: string, file: string): number;
  parse(text: string, file: string): ParsedSession;
}

export function isoOrNull(v: unknown): string | null {
  if (typeof v !== "string" && typeof v !== "number") return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * Text of Anthropic-style content: a string, or blocks of which only `text` blocks are kept.
 * Tool calls, tool results and thinking are dropped: they are not things the user asked to remember.
 * Returns null when the value has neither shape.
 */
export function contentText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return null;
  const parts: string[] = [];
  for (const block of content) {
    if (typeof block === "string") parts.push(block);
    else if (block && typeof block === "object" && (block as { type?: unknown }).type === "text") {
      const t = (block as { text?: unknown }).text;
      if (typeof t !== "string") return null;
      parts.push(t);
    }
  }
  return parts.join("\n");
}

export function normalizeRole(role: unknown): Role {
  if (role === "user" || role === "human") return "user";
  if (role === "assistant" || role === "ai" || role === "claude") return "assistant";
  if (role === "system") return "system";
  if (role === "tool") return "tool";
  return "unknown";
}

/** When a session started by its own records, or null: a file's mtime says when it was copied, not said. */
export function recordedStart(s: Pick<Session, "startedAt" | "startedAtFrom">): string | null {
  return s.startedAtFrom === "mtime" ? null : s.startedAt;
}
