import type { Session } from "../../transcripts/session.ts";

/** A sentence a person typed in a session, where to quote it from. */
export interface Typed {
  session: Session;
  index: number;
  sentence: string;
}

/** Longer than this, a user message is a paste (a document, a log, a prompt), not something typed. */
const MAX_TYPED = 1_500;
/** The same user message in this many sessions is a template an agent or a cron sends, not a person. */
const TEMPLATE_SESSIONS = 3;
const MIN_WORDS = 3;
const MAX_WORDS = 40;
// Machine wrappers and output pasted into a user turn: fences, tags, JSON, tool and heartbeat markers.
// Separate simple patterns: one alternation of them all backtracks polynomially (test/redos.test.ts).
const MACHINE = [
  /```/,
  /<\/?[a-z][\w-]*[ >/]/i,
  /^[ \t]*(?:[[{]|(?:System|Cron|Heartbeat)[ \t]*[:\]])/im,
  /\b(?:HEARTBEAT_OK|NO_REPLY|tool_use_id|tool_result|function_call)\b/,
];
const machine = (text: string) => MACHINE.some((re) => re.test(text));
/** A template is long; a person repeating a short instruction word for word is a pattern, not a template. */
const TEMPLATE_CHARS = 100;
/** The same message this many times in one session is a ping, not a person. */
const PING_REPEATS = 3;

const fold = (t: string) => t.replace(/\s+/g, " ").trim().toLowerCase();

/**
 * Sentences people typed, oldest session first: user turns only, and of those not a paste (long), not
 * machine text (tags, fences, JSON, tool or heartbeat markers) and not a template (the same long message
 * in three or more sessions, or any message three times in one: a system prompt or a scheduled ping). What is left is
 * what a person said: where their corrections, decisions and instructions are.
 */
export function typedSentences(sessions: readonly Session[]): Typed[] {
  const seenIn = new Map<string, Set<string>>();
  const pinged = new Set<string>();
  for (const s of sessions) {
    const inSession = new Map<string, number>();
    for (const m of s.messages)
      if (m.role === "user") {
        const k = fold(m.text);
        const set = seenIn.get(k) ?? new Set<string>();
        set.add(s.id);
        seenIn.set(k, set);
        const n = (inSession.get(k) ?? 0) + 1;
        inSession.set(k, n);
        if (n >= PING_REPEATS) pinged.add(k);
      }
  }
  const template = (text: string) => {
    const k = fold(text);
    return pinged.has(k) || (k.length >= TEMPLATE_CHARS && (seenIn.get(k)?.size ?? 0) >= TEMPLATE_SESSIONS);
  };
  const out: Typed[] = [];
  for (const session of sessions) {
    for (const m of session.messages) {
      if (m.role !== "user" || m.text.length > MAX_TYPED || machine(m.text) || template(m.text)) continue;
      for (const raw of m.text.split(/(?<=[.!?])\s+|\n+/)) {
        const sentence = raw.trim();
        const n = sentence.split(/\s+/).length;
        if (n >= MIN_WORDS && n <= MAX_WORDS) out.push({ session, index: m.index, sentence });
      }
    }
  }
  return out;
}

// A name: backticked, or words joined by - _ / . (billing-cron, scripts/deploy.sh). The lookbehind starts
// one only at its first letter, so a long run is scanned once.
export const NAME_SOURCE = "`[^`]+`|(?<![\\p{L}\\p{N}_/.-])[\\p{L}\\p{N}]+(?:[-_/.][\\p{L}\\p{N}]+)+";
const NAME = new RegExp(NAME_SOURCE, "gu");

/** The names a sentence gives (lower case): what makes two sentences alike in words about two things. */
export const namesIn = (sentence: string): string[] =>
  [...sentence.matchAll(NAME)].map((m) => m[0].replace(/`/g, "").toLowerCase()).filter((x) => x.length > 2);
