/**
 * Expired deadlines: "due on 2026-03-14", "deadline: 2026-03-14", "by 2026-03-14". Code can check such
 * an entry is stale against the dream's date without any other evidence.
 */
const DEADLINE = /\b(?:due(?:\s+(?:on|by))?|deadline:?|by|until|expires?(?:\s+on)?)\s+(\d{4}-\d{2}-\d{2})\b/i;

/** Entries whose only point was a deadline that has passed (a grace week later) may go. */
export const GRACE_DAYS = 7;

/** The day (YYYY-MM-DD) before which a deadline counts as expired for a dream at `now`. */
export function expiryCutoff(now: Date): string {
  return new Date(now.getTime() - GRACE_DAYS * 86_400_000).toISOString().slice(0, 10);
}

/** The deadline date in `text` if it is before `today` (YYYY-MM-DD), else null. */
export function expiredDeadline(text: string, today: string): string | null {
  const date = DEADLINE.exec(text)?.[1];
  return date && date < today ? date : null;
}
