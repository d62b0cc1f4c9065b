/**
 * Rewrites relative dates ("yesterday", "last Tuesday", "3 days ago") into absolute ISO dates, given the
 * day the text was written. Text inside `code spans` is left alone. Output contains no phrase this
 * module would rewrite again, so a second pass is a no-op.
 */

export interface DateRewrite {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
// A date after one of these reads naturally without "on".
const PREPOSITIONS = new Set([
  "since",
  "until",
  "till",
  "by",
  "before",
  "after",
  "from",
  "on",
  "of",
  "through",
  "to",
  "for",
  "during",
]);

const NUM = "(\\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)";
const WEEKDAY = "(monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
const PHRASES = [
  "the day before yesterday",
  "the day after tomorrow",
  "(?:yesterday|tomorrow) (?:morning|afternoon|evening|night)",
  "yesterday",
  "today",
  "tonight",
  "tomorrow",
  "this (?:morning|afternoon|evening)",
  `${NUM} (?:day|week)s? ago`,
  `in ${NUM} (?:day|week)s?`,
  `(?:last|next|this) ${WEEKDAY}`,
  "(?:last|next|this) (?:week|month|year)",
];
// Word boundaries that also exclude path, id and URL characters: "docs/yesterday-notes.md", "#today" and
// "today-ish" are not dates. "in a week or two" is a range, not a day.
const PATTERN = new RegExp(`(?<![\\w/#@.\\\\-])(?:${PHRASES.join("|")})(?![\\w/\\\\-]|\\s+or\\s)`, "gi");
// Every relative phrase, ranges included: a proposal dates all of a line's or none.
const ANY_RELATIVE = new RegExp(`(?<![\\w/#@.\\\\-])(?:${PHRASES.join("|")})(?![\\w/\\\\-])`, "gi");
// Spans that are not prose: code, markdown and wiki links, autolinks, bare URLs.
// Each span starts only where it can end: brackets exclude brackets, and a URL scheme starts at a word
// start. Otherwise a long run without the closing character is rescanned from every position (quadratic:
// 20 s on one 200 KB token).
// Double-quoted text is someone's words (a prompt, a keyword list, a message), not the agent's own day.
const PROTECTED =
  /(`[^`]*`|"[^"]*"|“[^“”]*”|!?\[[^[\]]*\]\([^()]*\)|\[\[[^[\]]*\]\]|<[^<>\s]+>|(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/\S+)/gi;
// Built once here, not per call: every expression in src/ is checked for ReDoS at module level.
const AGO = new RegExp(`^${NUM} (day|week)s? ago$`);
const IN_DAYS = new RegExp(`^in ${NUM} (day|week)s?$`);
const NEAR_WEEKDAY = new RegExp(`^(last|next|this) ${WEEKDAY}$`);
const PART_OF_DAY = /^(yesterday|tomorrow) (morning|afternoon|evening|night)$/;

/** The last run of word characters before trailing white space ("" if none), without a regex anchored at
 * the end, which would rescan a long run of word characters from every position. */
function lastWord(s: string): string {
  const end = s.trimEnd().length;
  let start = end;
  while (start > 0 && /\w/.test(s.charAt(start - 1))) start--;
  return s.slice(start, end);
}

/** The text of the clause `before` ends in (after its last sentence or clause break). */
function clauseBefore(before: string): string {
  let i = before.length;
  while (i > 0 && !".!?;:".includes(before.charAt(i - 1))) i--;
  return before.slice(i);
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function weekday(iso: string): number {
  return new Date(`${iso}T00:00:00Z`).getUTCDay();
}

function count(word: string): number {
  return NUMBER_WORDS[word.toLowerCase()] ?? Number(word);
}

/** Resolve one matched phrase to its absolute form and the preposition it needs in running text. */
function resolve(phrase: string, ref: string): { text: string; prep: "on" | "in" } | null {
  const p = phrase.toLowerCase();
  const fixed: Record<string, number> = {
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
    yesterday: -1,
    today: 0,
    tomorrow: 1,
  };
  if (p in fixed) return { text: addDays(ref, fixed[p] ?? 0), prep: "on" };
  if (p === "tonight") return { text: `the night of ${ref}`, prep: "on" };
  const part = PART_OF_DAY.exec(p);
  if (part?.[1] && part[2]) {
    return { text: `the ${part[2]} of ${addDays(ref, part[1] === "yesterday" ? -1 : 1)}`, prep: "on" };
  }
  let m = /^this (morning|afternoon|evening)$/.exec(p);
  if (m) return { text: `the ${m[1]} of ${ref}`, prep: "on" };
  m = AGO.exec(p);
  if (m?.[1] && m[2]) return { text: addDays(ref, -count(m[1]) * (m[2] === "week" ? 7 : 1)), prep: "on" };
  m = IN_DAYS.exec(p);
  if (m?.[1] && m[2]) return { text: addDays(ref, count(m[1]) * (m[2] === "week" ? 7 : 1)), prep: "on" };
  m = NEAR_WEEKDAY.exec(p);
  if (m?.[1] && m[2]) {
    const target = WEEKDAYS.indexOf(m[2]);
    const today = weekday(ref);
    if (m[1] === "last") return { text: addDays(ref, -(((today - target + 6) % 7) + 1)), prep: "on" };
    if (m[1] === "next") return { text: addDays(ref, ((target - today + 6) % 7) + 1), prep: "on" };
    // "this <weekday>": the one in the same Monday-first week.
    const mondayOffset = (today + 6) % 7;
    return { text: addDays(ref, -mondayOffset + ((target + 6) % 7)), prep: "on" };
  }
  m = /^(last|next|this) (week|month|year)$/.exec(p);
  if (m?.[1] && m[2]) {
    const shift = m[1] === "last" ? -1 : m[1] === "next" ? 1 : 0;
    const d = new Date(`${ref}T00:00:00Z`);
    if (m[2] === "week") {
      const monday = addDays(ref, -((d.getUTCDay() + 6) % 7) + shift * 7);
      return { text: `the week of ${monday}`, prep: "in" };
    }
    if (m[2] === "month") {
      const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + shift, 1));
      return { text: `${MONTHS[first.getUTCMonth()]} ${first.getUTCFullYear()}`, prep: "in" };
    }
    return { text: String(d.getUTCFullYear() + shift), prep: "in" };
  }
  return null;
}

/**
 * What a dream may propose to the owner, stricter than what it folds for comparing entries: one specific
 * day, named relative to the day written ("yesterday", "3 days ago", "last Tuesday", "tomorrow", "in 2
 * days"), in a clause that states something, not a rule. Not "today", "tonight" or "this morning" (a
 * dated log already says which day), not weeks, months or years ("this week's quota"), not "next" or
 * "this" weekday (which one is meant varies), not a possessive ("yesterday's data" is usually a kind
 * of data), not a label ("Tomorrow: …"), and not a clause about what happens if, when, every day or by
 * default, a greeting ("see you tomorrow"), a template or an example.
 */
// "in N days" is left out: on real stores "in 14 days", "live in 7 days" were windows and estimates, not
// days (second audit, docs/quality.md). "N days ago" stays for a few days back, outside ranges,
// thresholds and listings ("1–3 days ago", "5 days ago against the 7-day rule", "posted 2 days ago").
const SPECIFIC_DAY = new RegExp(
  `^(?:the day before yesterday|the day after tomorrow|(?:yesterday|tomorrow)(?: (?:morning|afternoon|evening|night))?|last ${WEEKDAY}|(?:[1-7]|a|one|two|three|four|five|six|seven) days? ago)$`,
  "i",
);
const NOT_A_DAY_COUNT =
  /(?<![\w-])(?:rule|than|within|over|threshold|window|against|posted|listed|range)(?![\w-])|[–-]\s*$/i;
// Whole words only: "auth-api-if" is a name, not a condition.
const NOT_A_STATEMENT =
  /(?<![\w-])(?:if|when|whenever|unless|until|otherwise|falls? back|fallback|every|each|daily|weekly|always|usually|typically|by default|default|should|must|see you|talk|template|example|e\.g\.)(?![\w-])/i;

// Text addressed to a reader (a chat reply, a forwarded newsletter, a lesson's exercise) is not the
// agent's note about its own day, and a question asks, it does not say (third audit, docs/quality.md).
const SECOND_PERSON = /(?<![\w'’-])(?:you|your|yours|you['’](?:re|ll|ve|d))(?![\w'’-])/i;
// A day the clause already names: "tomorrow (Tuesday, March 3)", "= 2026-03-11 (yesterday)".
const NAMED_DAY =
  /\d{4}-\d{2}-\d{2}|(?<![\w-])(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?(?![\w-])|(?<![\w-])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?!\d)/i;
// A stamp the line starts with dates the line; it is not a day the clause names.
const LEADING_STAMP =
  /^\s*(?:(?:[-*+]|\d{1,9}[.)])\s+)?\**\[?\d{4}-\d{2}-\d{2}[^\s*\]:—–-]{0,12}\]?\**[\s:—–-]*/;
const ORDINAL_MARKER = /^\s*\d{1,9}[.)]/;
// A speaker's turn copied into a note ("Assistant: I kept finding … where yesterday decided"): their day.
const SPEAKER = /(?<![\w-])(?:Assistant|User|Human|System|Bot|AI|Claude|GPT|Agent)\s*:/;
// "tomorrow sync", "tomorrow morning review": the day names an event; "on 2026-03-04 sync" garbles it.
const EVENT_FOLLOWS =
  /^\s+(?:sync|call|meeting|standup|stand-up|review|deadline|session|run|post|lecture|demo|launch|interview|plan|brief(?:ing)?|report|update|check|tasks?|list|agenda|schedule|priorit(?:y|ies)|digest|summary|recap|pulse|batch|release|jobs?)(?![\w-])/i;
// The subject of its clause: "Tomorrow is Eid", "where yesterday decided it had been enough".
const VERB_FOLLOWS = /^\s+(?:is|was|were|will|would|looks?|seems?|felt|feels|[a-z]+ed)(?![\w'’-])/i;
const MARKUP_ONLY = /^[\s*_([-]*$/;
// "yesterday $1.76": a column label over a figure, not a day in a sentence (a time may follow: "tomorrow 6 AM").
const FIGURE_FOLLOWS = /^\s+[$€£]?\d[\d,.]*(?!\s*(?:am|pm|a\.m|p\.m|:|h\b|utc))/i;

function proposable(seg: string, offset: number, match: string): boolean {
  if (!SPECIFIC_DAY.test(match)) return false;
  const rest = seg.slice(offset + match.length);
  if (/^['’]s\b/.test(rest) || /^\s*:/.test(rest)) return false;
  if (SECOND_PERSON.test(seg) || SPEAKER.test(seg) || FIGURE_FOLLOWS.test(rest)) return false;
  if (VERB_FOLLOWS.test(rest) || EVENT_FOLLOWS.test(rest)) return false;
  let from = offset;
  // "vs." is not the end of a sentence.
  while (from > 0 && (!".!?;".includes(seg.charAt(from - 1)) || /vs\.$/i.test(seg.slice(from - 3, from))))
    from--;
  let to = offset + match.length;
  while (to < seg.length && !".!?;".includes(seg.charAt(to))) to++;
  const clause = seg.slice(from, to);
  if (seg.charAt(to) === "?") return false;
  // First in its clause ("Tomorrow morning: …", "Yesterday I went"): a date there garbles the sentence.
  // An aside opens a clause of its own: "**Ayer fui** (Yesterday I went)" glosses words, it logs no day.
  const aside = seg.lastIndexOf("(", offset - 1);
  const lead = seg
    .slice(aside >= from ? aside + 1 : from, offset)
    .replace(LEADING_STAMP, "")
    .replace(ORDINAL_MARKER, "");
  if (MARKUP_ONLY.test(lead)) return false;
  const around = `${seg.slice(from, offset)} ${seg.slice(offset + match.length, to)}`;
  if (NAMED_DAY.test(around.replace(LEADING_STAMP, ""))) return false;
  if (/ ago$/i.test(match) && (NOT_A_DAY_COUNT.test(clause) || /[–-]\s*$/.test(seg.slice(from, offset))))
    return false;
  return !NOT_A_STATEMENT.test(clause);
}

/** Whether every relative date in the prose segment `seg` may be proposed. */
function allProposable(seg: string): boolean {
  let found = 0;
  for (const m of seg.matchAll(ANY_RELATIVE)) {
    found++;
    if (!proposable(seg, m.index, m[0])) return false;
  }
  // A phrase only ANY_RELATIVE sees ("today or tomorrow") is a range: not proposed, so none in the line is.
  return found === [...seg.matchAll(PATTERN)].length;
}

function rewriteSegment(seg: string, ref: string, out: DateRewrite[]): string {
  return seg.replace(PATTERN, (match: string, ...args: unknown[]) => {
    const offset = args[args.length - 2] as number;
    const resolved = resolve(match, ref);
    if (!resolved) return match;
    const before = seg.slice(0, offset);
    // "2M users in 9 weeks": after a number in the same clause, "in N weeks" is a duration, not a day.
    if (/^in /i.test(match) && /\d/.test(clauseBefore(before))) return match;
    const prevWord = lastWord(before).toLowerCase();
    const possessive = seg.slice(offset + match.length).startsWith("'s");
    let text = resolved.text;
    // "vs. yesterday": the date stands alone after a comparison.
    const comparison = /(?<![\w-])(?:vs\.?|versus)\s*$/i.test(before);
    // After a label ("Morning brief: tomorrow 7am") the date stands alone too.
    const trimmed = before.trimEnd();
    const label = trimmed.endsWith(":");
    if (!possessive && !comparison && !label && !PREPOSITIONS.has(prevWord))
      text = `${resolved.prep} ${text}`;
    // Capitalised only where a sentence starts: "Merge TOMORROW." is shouting, not a sentence start.
    if (/^[A-Z][a-z]/.test(match) && (trimmed === "" || ".!?".includes(trimmed.slice(-1)))) {
      text = text.charAt(0).toUpperCase() + text.slice(1);
    }
    out.push({ from: match, to: text });
    return text;
  });
}

/** Rewrite every relative date in `text` against `ref` (YYYY-MM-DD, the day the text was written). */
export function rewriteRelativeDates(
  text: string,
  ref: string,
  opts: { proposal?: boolean } = {},
): { text: string; rewrites: DateRewrite[] } {
  const rewrites: DateRewrite[] = [];
  // split() with a capturing group alternates prose (even) and protected spans (odd).
  const parts = text.split(PROTECTED);
  // A proposal rewrites all of a line's relative dates or none: "3rd misfire today (1 AM yesterday)" with
  // only "yesterday" dated reads as a dated contradiction (third audit, docs/quality.md).
  if (opts.proposal && !parts.every((seg, i) => i % 2 === 1 || allProposable(seg))) {
    return { text, rewrites };
  }
  const rewritten = parts.map((seg, i) => (i % 2 === 0 ? rewriteSegment(seg, ref, rewrites) : seg)).join("");
  return { text: rewritten, rewrites };
}
