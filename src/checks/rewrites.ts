import type { Change, Evidence, ProposedOperation } from "../manifest.ts";
import { contentWords, hardTokens } from "../text/similarity.ts";
import { type SessionOrder, sessionsAfter } from "./session-order.ts";

/**
 * A supersede that rewrites a line ("Package manager: npm" → "… pnpm") replaces a fact as surely as one
 * that removes it, so it answers to the same proof: every word it brings in is quoted from evidence
 * outside the lines it rewrites, and that evidence is newer than them — a memory line written later, or
 * a session that provably came after them (session-order.ts). A word from nowhere, or a correction
 * older than the note, is refused.
 */
export interface RewriteInput {
  lineDates?: ReadonlyMap<string, ReadonlyMap<number, string>>;
  order?: SessionOrder;
}

const wordsOf = (text: string) => new Set([...contentWords(text), ...hardTokens(text).facts]);

const inside = (ev: Evidence, c: Change) =>
  ev.source === "memory" && ev.path === c.path && ev.line >= c.startLine && ev.line <= c.endLine;

/** Null when every rewrite of `op` is vouched for by newer evidence; otherwise the refusal. */
export function rewriteViolation(
  op: ProposedOperation,
  input: RewriteInput,
): { rule: string; detail: string } | null {
  if (op.kind !== "supersede") return null;
  for (const c of op.changes) {
    if (!c.before.length || !c.after.length) continue;
    const before = wordsOf(c.before.join("\n"));
    const added = [...wordsOf(c.after.join("\n"))].filter((w) => !before.has(w));
    if (!added.length) continue;
    const outside = op.evidence.filter((ev) => !inside(ev, c));
    const vouching = outside.filter((ev) => {
      const quoted = wordsOf(ev.quote);
      return added.some((w) => quoted.has(w));
    });
    const quoted = new Set(vouching.flatMap((ev) => [...wordsOf(ev.quote)]));
    const missing = added.filter((w) => !quoted.has(w));
    if (missing.length)
      return {
        rule: "rewrite-without-evidence",
        detail: `${c.path}:${c.startLine}-${c.endLine} would say "${missing.join(", ")}", which no cited evidence outside it says`,
      };
    const rewritten = c.before.map((text, i) => ({ line: c.startLine + i, text }));
    const sessions = [...new Set(vouching.flatMap((ev) => (ev.source === "session" ? [ev.session] : [])))];
    const memory = vouching.flatMap((ev) => (ev.source === "memory" ? [ev] : []));
    const sessionWhy =
      sessions.length && input.order ? sessionsAfter(input.order, sessions, c.path, rewritten) : null;
    if (sessions.length && !sessionWhy) continue;
    const dateOf = (path: string, line: number) => input.lineDates?.get(path)?.get(line) ?? null;
    const memoryOk =
      memory.length > 0 &&
      (!input.lineDates ||
        newerThanAll(
          memory.map((ev) => dateOf(ev.path, ev.line)),
          rewritten.map(({ line }) => dateOf(c.path, line)),
        ));
    if (memoryOk) continue;
    return sessionWhy
      ? { rule: "session-not-after-entry", detail: sessionWhy }
      : {
          rule: "supersede-needs-newer-evidence",
          detail: `${c.path}:${c.startLine}-${c.endLine} is rewritten from evidence that is not known to be newer than it`,
        };
  }
  return null;
}

/**
 * Some cited date is known, and every known date of what is retired or rewritten comes before the newest
 * of them: "latest wins" checked, not claimed. Undated retired lines do not count against it.
 */
export function newerThanAll(
  cited: readonly (string | null)[],
  retired: readonly (string | null)[],
): boolean {
  const newest = cited
    .filter((d): d is string => d !== null)
    .sort()
    .at(-1);
  return newest !== undefined && retired.every((d) => d === null || d < newest);
}
