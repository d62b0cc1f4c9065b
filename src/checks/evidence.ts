import type { Evidence } from "../manifest.ts";

/** The inputs evidence may point at: memory files as lines, sessions as kept messages. */
export interface EvidenceBase {
  notes: ReadonlyMap<string, readonly string[]>;
  sessions: ReadonlyMap<string, readonly { text: string }[]>;
}

/** Null when the quote is found verbatim at the cited place; otherwise why not. */
export function checkEvidence(ev: Evidence, base: EvidenceBase): string | null {
  if (!ev.quote.trim()) return "empty quote";
  if (ev.source === "memory") {
    const lines = base.notes.get(ev.path);
    if (!lines) return `no memory file ${ev.path}`;
    const line = lines[ev.line - 1];
    if (line === undefined) return `${ev.path} has no line ${ev.line}`;
    if (!line.includes(ev.quote)) return `quote not found on ${ev.path}:${ev.line}`;
    return null;
  }
  const messages = base.sessions.get(ev.session);
  if (!messages) return `no session ${ev.session}`;
  const msg = messages[ev.index];
  if (!msg) return `session ${ev.session} has no message ${ev.index}`;
  if (!msg.text.includes(ev.quote)) return `quote not found in ${ev.session} message ${ev.index}`;
  return null;
}
