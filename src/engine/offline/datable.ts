import type { Entry } from "../../memory/entries.ts";
import { ATX } from "../../memory/markdown.ts";

/**
 * Whether a dream may propose making an entry's relative dates absolute: only in the agent's own prose
 * about its own day, against a day that is surely the one the line was written on. Everything else is
 * listed for review and left as written (a wrong date is far worse than a relative one).
 */
export type Datable = { day: string } | { why: string };

// Keyword, trigger and prompt lines quote words, not days.
const NOT_A_DAY =
  /(?<![\w-])(?:keywords?|triggers?|phrases?|patterns?|regex(?:es)?|prompts?|templates?)(?![\w-])/i;
// Sections that hold someone else's words or made-up ones: a lesson's exercise, a drafted post, a
// recorded chat, a forwarded mail (third audit, docs/quality.md).
const NOT_OWN_WORDS =
  /(?<![\w-])(?:lessons?|exercises?|practice|quiz(?:zes)?|vocab(?:ulary)?|drills?|examples?|drafts?|posts?|tweets?|repl(?:y|ies)|messages?|e-?mails?|mail|newsletters?|transcripts?|chats?|conversations?|quotes?|scripts?|captions?|copy|articles?)(?![\w-])/i;
// A heading that names a time between midnight and 5 AM, or the night itself ("Session 1 (Late Night
// Mar 20 → Mar 21)"): that part of the note runs past midnight, so "tomorrow" in it may mean the file's
// own date (the third audit's two debatable verdicts, the fourth's one wrong).
const SMALL_HOURS =
  /(?<![\d:])(?:0?[0-4]|24):[0-5]\d(?!\d)|(?<![\d:])(?:12|0?[1-4])(?::[0-5]\d)?\s?(?:am|a\.m\.)(?![a-z])|(?<![\w-])(?:late[- ]night|overnight|midnight|after hours)(?![\w-])/i;

/**
 * For each line of a note (0-based), whether it lies in a part that runs past midnight: the block under
 * a top-level heading (# or ##, the whole note before the first one) in which some heading names a time
 * in the small hours. A session's log is such a block: "## Session 22:00" may end in "### Wrap-up (1 AM)".
 */
export function pastMidnight(lines: readonly string[]): (line: number) => boolean {
  const blockOf = new Int32Array(lines.length);
  const late: boolean[] = [false];
  lines.forEach((l, i) => {
    const h = ATX.exec(l);
    if (h?.[1] && h[1].length <= 2) late.push(false);
    blockOf[i] = late.length - 1;
    if (h && SMALL_HOURS.test(l)) late[late.length - 1] = true;
  });
  return (line) => late[blockOf[line] ?? 0] ?? false;
}

export function datable(entry: Entry, late: (line: number) => boolean): Datable {
  if (!entry.writtenOn) return { why: "no date for the line" };
  if (entry.block) return { why: `inside ${entry.block}` };
  if (entry.dateSource === "frontmatter") {
    return { why: "only the note's frontmatter is dated, not each line added since" };
  }
  // A note's own entries are list items and stamped lines; running paragraphs in memory were, on real
  // stores, mostly pasted mail, newsletters and chat replies, where "yesterday" is someone else's day.
  if (entry.kind === "paragraph" && entry.dateSource !== "inline")
    return { why: "a paragraph, not a logged item" };
  if (NOT_A_DAY.test(entry.lines.join(" "))) return { why: "a keyword, trigger or prompt line" };
  if (NOT_OWN_WORDS.test(entry.section)) return { why: `under "${entry.section}", someone else's words` };
  if (entry.dateSource !== "inline" && late(entry.startLine - 1))
    return { why: "that part of the note runs past midnight" };
  return { day: entry.writtenOn };
}
