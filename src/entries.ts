/**
 * The unit a dream reasons about. A Markdown/text memory file is split into:
 * - structure (frontmatter, headings, code fences, rules, blank lines): never edited by an operation;
 * - entries: a list item with its continuation and nested lines, or a paragraph.
 * Line numbers are 1-based and refer to the file as read, so evidence can cite them.
 */

export type EntryKind = "bullet" | "paragraph";

/** Where an entry's "written on" date came from, most specific first. */
export type DateSource = "inline" | "heading" | "filename" | "frontmatter";

export interface Entry {
  path: string;
  startLine: number;
  endLine: number;
  kind: EntryKind;
  /** Raw lines as in the file (without the trailing newline). */
  lines: string[];
  /** The date the entry was written, YYYY-MM-DD, or null when no reliable source exists. */
  writtenOn: string | null;
  dateSource: DateSource | null;
}

export interface ParsedText {
  lines: string[];
  entries: Entry[];
  frontmatter: Record<string, string>;
}

const BULLET = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+/;
const HEADING = /^#{1,6}\s/;
const FENCE = /^\s*(```|~~~)/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/;
const LEADING_DATE = /^\s*(?:[-*+]\s+)?\[?(\d{4}-\d{2}-\d{2})\]?[\s:T—–-]/;
const DAILY_NOTE = /(?:^|\/)(\d{4}-\d{2}-\d{2})(?:[^/]*)?\.(?:md|markdown|txt)$/i;

export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  // A final newline terminates the last line; it does not start an empty one.
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function validDate(s: string | undefined): string | null {
  if (!s) return null;
  const m = ISO_DATE.exec(s);
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== m[0]) return null;
  return m[0];
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

export function parseFrontmatter(lines: string[]): { data: Record<string, string>; end: number } {
  if (lines[0]?.trimEnd() !== "---") return { data: {}, end: 0 };
  const data: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trimEnd() === "---" || line.trimEnd() === "...") return { data, end: i + 1 };
    const m = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (m?.[1]) data[m[1].toLowerCase()] = (m[2] ?? "").trim().replace(/^["']|["']$/g, "");
  }
  return { data: {}, end: 0 };
}

export function parseEntries(path: string, text: string): ParsedText {
  const lines = splitLines(text);
  const { data: frontmatter, end: fmEnd } = parseFrontmatter(lines);
  const dailyDate = validDate(DAILY_NOTE.exec(path)?.[1]);
  // `updated:` is deliberately not used: it dates the newest entry, not each one.
  const fmDate = validDate(frontmatter.date) ?? validDate(frontmatter.created);
  const fileDate = dailyDate ?? fmDate;
  const fileSource: DateSource | null = dailyDate ? "filename" : fmDate ? "frontmatter" : null;
  const entries: Entry[] = [];
  let headingDate: string | null = null;
  let inFence = false;
  let i = fmEnd;

  const push = (start: number, end: number, kind: EntryKind) => {
    const body = lines.slice(start, end + 1);
    const inline = validDate(LEADING_DATE.exec(body[0] ?? "")?.[1]);
    const writtenOn = inline ?? headingDate ?? fileDate;
    const dateSource: DateSource | null = inline ? "inline" : headingDate ? "heading" : fileSource;
    entries.push({ path, startLine: start + 1, endLine: end + 1, kind, lines: body, writtenOn, dateSource });
  };

  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (FENCE.test(line)) {
      inFence = !inFence;
      i++;
      continue;
    }
    if (inFence || line.trim() === "" || RULE.test(line)) {
      i++;
      continue;
    }
    if (HEADING.test(line)) {
      headingDate = validDate(line);
      i++;
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      const indent = bullet[1]?.length ?? 0;
      let j = i + 1;
      while (j < lines.length) {
        const next = lines[j] ?? "";
        if (next.trim() === "" || indentOf(next) <= indent || FENCE.test(next)) break;
        j++;
      }
      push(i, j - 1, "bullet");
      i = j;
      continue;
    }
    let j = i + 1;
    while (j < lines.length) {
      const next = lines[j] ?? "";
      if (
        next.trim() === "" ||
        HEADING.test(next) ||
        BULLET.test(next) ||
        FENCE.test(next) ||
        RULE.test(next)
      )
        break;
      j++;
    }
    push(i, j - 1, "paragraph");
    i = j;
  }
  return { lines, entries, frontmatter };
}

/**
 * The comparison form of an entry: case, emphasis, quotes, whitespace and trailing punctuation folded.
 * Numbers, versions, ids, paths and checkbox state are kept, so "v1.2" and "v1.3" never compare equal.
 */
export function normalizeEntry(lines: string[]): string {
  return lines
    .map((l) => l.replace(BULLET, ""))
    .join(" ")
    .toLowerCase()
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/(\*\*|__|`)/g, "")
    .replace(/(^|\s)[*_](\S)/g, "$1$2")
    .replace(/(\S)[*_](?=\s|$)/g, "$1")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[.!;,]+$/, "")
    .trim();
}
