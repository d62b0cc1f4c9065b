/**
 * Expired deadlines: "due on 2026-03-14", "deadline: 2026-03-14", "by 2026-03-14". Code can check such
 * an entry is stale against the dream's date without any other evidence.
 */
const DEADLINE = /\b(?:due(?:\s+(?:on|by))?|deadline:?|by|until|expires?(?:\s+on)?)\s+(\d{4}-\d{2}-\d{2})\b/i;

/** The deadline date in `text` if it is before `today` (YYYY-MM-DD), else null. */
export function expiredDeadline(text: string, today: string): string | null {
  const date = DEADLINE.exec(text)?.[1];
  return date && date < today ? date : null;
}
