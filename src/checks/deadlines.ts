/**
 * Expired deadlines: "due on 2026-03-14", "deadline: 2026-03-14", "expires 2026-03-14", and in an open
 * TODO "by 2026-03-14" / "until 2026-03-14". Code can check such an entry is stale against the dream's date
 * without any other evidence.
 */
// "due", "deadline" and "expires" name an obligation wherever they stand; "by" and "until" do only in an
// open TODO ("- [ ] file the return by …"): elsewhere "shipped by …" is history and "blocked until …" a gate.
const STRONG =
  /(?<![\w-])(?:due(?:\s+(?:on|by))?|deadline:?|expires?(?:\s+on)?)\s+(\d{4}-\d{2}-\d{2})(?![\w-])/i;
const WEAK = /(?<![\w-])(?:by|until)\s+(\d{4}-\d{2}-\d{2})(?![\w-])/i;
const OPEN_TODO = /^\s*(?:[-*+]|\d{1,9}[.)])\s+\[ \]\s/;
// The condition goes on past the date ("until 2026-07-15 and evidence is captured"): the date alone ends nothing.
const MORE_CONDITION = /^(?:and|or|unless|if|once|when|pending|provided)(?![\w-])/i;
const CODE_SPAN = /`[^`]*`/g;

/** Entries whose only point was a deadline that has passed (a grace week later) may go. */
export const GRACE_DAYS = 7;

/** The day (YYYY-MM-DD) before which a deadline counts as expired for a dream at `now`. */
export function expiryCutoff(now: Date): string {
  return new Date(now.getTime() - GRACE_DAYS * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The deadline date in `text` if it is before `today` (YYYY-MM-DD), else null. Never a date inside a code
 * span (a command's argument: "`verify --submit-by 2026-07-15`"), nor one a further condition follows.
 */
export function expiredDeadline(text: string, today: string): string | null {
  const prose = text.replace(CODE_SPAN, (s) => " ".repeat(s.length));
  const m = STRONG.exec(prose) ?? (OPEN_TODO.test(prose) ? WEAK.exec(prose) : null);
  const date = m?.[1];
  if (!m || !date || date >= today) return null;
  const rest = prose.slice(m.index + m[0].length).trimStart();
  return MORE_CONDITION.test((rest.startsWith(",") ? rest.slice(1) : rest).trimStart()) ? null : date;
}
