/** The normalized shape every transcript format parses into. */

export type Role = "user" | "assistant" | "system" | "unknown";

export interface Message {
  /** Position among the session's kept messages; evidence cites it. */
  index: number;
  role: Role;
  text: string;
  timestamp: string | null;
}

export interface ParsedSession {
  sessionId: string | null;
  startedAt: string | null;
  messages: Message[];
  /** Recoverable problems (a bad line in JSONL): reported, the rest of the file is used. */
  warnings: string[];
}

export interface Session extends ParsedSession {
  /** Path relative to the sessions dir: the id evidence cites. */
  id: string;
  format: string;
  sha256: string;
  bytes: number;
  mtimeMs: number;
}

/** A file that cannot be used at all; the loader reports it and moves on. */
export class TranscriptError extends Error {
  override name = "TranscriptError";
}

export interface TranscriptFormat {
  name: string;
  /** Claims a file by name; the first format that claims it parses it. */
  matches(file: string): boolean;
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
  return "unknown";
}
