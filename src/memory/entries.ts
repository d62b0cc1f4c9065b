/**
 * The unit a dream reasons about. A Markdown/text memory file is split into:
 * - structure (frontmatter, headings, code fences, rules, blank lines): never edited by an operation;
 * - entries: a list item with its continuation and nested lines, or a paragraph.
 * Line numbers are 1-based and refer to the file as read, so evidence can cite them.
 */
import { ATX, type BlockKind, protectedLines } from "./markdown.ts";

export type EntryKind = "bullet" | "paragraph";

/** Where an entry's "written on" date came from, most specific first. */
export type DateSource = "inline" | "heading" | "filename" | "frontmatter";

export interface Entry {
  path: string;
  startLine: number;
  endLine: number;
  kind: EntryKind;
  /** A numbered list item: its position carries meaning. */
  ordered: boolean;
  /** Headings above it, outermost first ("Deploy > Staging"). */
  section: string;
  /**
   * The line of the heading that opens its section (0 above the first heading). Two sections with one
   * heading text are two records: each day's "## Sources" in one briefs file (issue 13's second audit).
   */
  sectionLine: number;
  /**
   * The first line of the list a list item belongs to (items separated only by blank lines are one
   * list); a paragraph's own first line. A "**Title:**" list and a "**Caption:**" list under one heading
   * are two groups.
   */
  group: number;
  /** Raw lines as in the file (without the trailing newline). */
  lines: string[];
  /** The date the entry was written, YYYY-MM-DD, or null when no reliable source exists. */
  writtenOn: string | null;
  dateSource: DateSource | null;
  /**
   * Set when a line of the entry lies in code, a table, html, a blockquote or frontmatter (Markdown
   * notes, read with mdast): such an entry is not the agent's prose, and no rule edits or removes it.
   */
  block: BlockKind | null;
}

export interface ParsedText {
  lines: string[];
  entries: Entry[];
  frontmatter: Record<string, string>;
}

const BULLET = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+/;
const FENCE = /^\s*(```|~~~)/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const SETEXT = /^\s{0,3}(=+|-+)\s*$/;
const DATE_HEADING = /^\[?\d{4}-\d{2}-\d{2}\b/;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/;
const LEADING_DATE = /^\s*(?:[-*+]\s+)?\[?(\d{4}-\d{2}-\d{2})\]?[\s:T—–-]/;
const DAILY_NOTE = /(?:^|\/)(\d{4}-\d{2}-\d{2})(?:[^/]*)?\.(?:md|markdown|txt)$/i;

/**
 * The day an entry was written by its own word (a stamp, a date heading, a daily note's name), or null:
 * a frontmatter date dates the file, not each line added to it since.
 */
export function ownDay(e: Pick<Entry, "writtenOn" | "dateSource">): string | null {
  return e.dateSource === "frontmatter" ? null : e.writtenOn;
}

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

/** A line that would start nothing of its own after a paragraph: not a list item, heading, rule, fence, quote, html or table. */
function lazyContinuation(line: string): boolean {
  return !BULLET.test(line) && !RULE.test(line) && !/^\s*(?:#{1,6}(?:\s|$)|[>|<]|`{3}|~{3})/.test(line);
}

/** A list item's marker kind: "-", "*", "+", or "1." / "1)" for any number. */
function markerOf(line: string): string {
  const m = /^\s*(?:([-*+])|\d{1,9}([.)]))\s/.exec(line);
  return m?.[1] ?? (m?.[2] ? `1${m[2]}` : "");
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** An ATX heading's text without its optional closing run of `#` and the white space around it. */
function headingText(s: string): string {
  const t = s.trimEnd();
  let end = t.length;
  while (end > 0 && t.charAt(end - 1) === "#") end--;
  return end === t.length ? t : t.slice(0, end).trimEnd();
}

// One match attempt per run of punctuation (a lookbehind), not one per character of it.
const TRAILING_PUNCTUATION = /(?<![.!;,])[.!;,]+$/;

export function parseFrontmatter(lines: string[]): { data: Record<string, string>; end: number } {
  if (lines[0]?.trimEnd() !== "---") return { data: {}, end: 0 };
  const data: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trimEnd() === "---" || line.trimEnd() === "...") return { data, end: i + 1 };
    const m = /^([A-Za-z_][\w-]*):(.*)$/.exec(line);
    if (m?.[1]) data[m[1].toLowerCase()] = (m[2] ?? "").trim().replace(/^["']|["']$/g, "");
  }
  return { data: {}, end: 0 };
}

/** Index just past the fence block that starts at `start` (or the end of the file if it never closes). */
function fenceEnd(lines: string[], start: number): number {
  const marker = FENCE.exec(lines[start] ?? "")?.[1] ?? "```";
  for (let k = start + 1; k < lines.length; k++)
    if ((lines[k] ?? "").trimStart().startsWith(marker)) return k + 1;
  return lines.length;
}

interface Heading {
  level: number;
  text: string;
  date: string | null;
  line: number;
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
  const headings: Heading[] = [];
  // Plain-text notes keep the plain reader: for them an indented line is not code.
  const blocks = /\.(md|markdown)$/i.test(path) ? protectedLines(text) : new Map<number, BlockKind>();
  let i = fmEnd;

  const enterHeading = (level: number, text: string) => {
    while (headings.length && (headings[headings.length - 1]?.level ?? 0) >= level) headings.pop();
    // Only a heading that *is* a date ("## 2026-03-04", "## 2026-03-04 (Tue)") dates what is under it;
    // "## Review of the 2024-01-01 incident" does not.
    headings.push({ level, text, date: DATE_HEADING.test(text) ? validDate(text) : null, line: i + 1 });
  };
  const push = (start: number, end: number, kind: EntryKind, ordered: boolean) => {
    const prev = entries.at(-1);
    const sectionLine = headings.at(-1)?.line ?? 0;
    // CommonMark: another bullet character, or another delimiter after a number, starts a new list
    // ("2) Michael Page" over "- URL: …" and "3) …" over "- URL: …" are a list of roles, each with
    // its own list of fields).
    const sameList =
      kind === "bullet" &&
      prev?.kind === "bullet" &&
      prev.sectionLine === sectionLine &&
      markerOf(lines[prev.startLine - 1] ?? "") === markerOf(lines[start] ?? "") &&
      indentOf(lines[prev.startLine - 1] ?? "") === indentOf(lines[start] ?? "") &&
      lines.slice(prev.endLine, start).every((l) => l.trim() === "");
    const group = sameList && prev ? prev.group : start + 1;
    const body = lines.slice(start, end + 1);
    const inline = validDate(LEADING_DATE.exec(body[0] ?? "")?.[1]);
    const headingDate = [...headings].reverse().find((h) => h.date)?.date ?? null;
    const writtenOn = inline ?? headingDate ?? fileDate;
    const dateSource: DateSource | null = inline ? "inline" : headingDate ? "heading" : fileSource;
    const section = headings.map((h) => h.text).join(" > ");
    let block: BlockKind | null = null;
    for (let l = start + 1; l <= end + 1 && !block; l++) block = blocks.get(l) ?? null;
    entries.push({
      path,
      startLine: start + 1,
      endLine: end + 1,
      kind,
      ordered,
      section,
      sectionLine,
      group,
      lines: body,
      writtenOn,
      dateSource,
      block,
    });
  };

  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (FENCE.test(line)) {
      i = fenceEnd(lines, i);
      continue;
    }
    if (line.trim() === "" || RULE.test(line)) {
      i++;
      continue;
    }
    const atx = /^(#{1,6})\s+(\S.*)?$/.exec(line);
    if (atx) {
      enterHeading(atx[1]?.length ?? 1, headingText(atx[2] ?? ""));
      i++;
      continue;
    }
    const bullet = BULLET.exec(line);
    if (!bullet && SETEXT.test(lines[i + 1] ?? "")) {
      enterHeading((lines[i + 1] ?? "").trim().startsWith("=") ? 1 : 2, line.trim());
      i += 2;
      continue;
    }
    if (bullet) {
      const indent = bullet[1]?.length ?? 0;
      let j = i + 1;
      while (j < lines.length) {
        const next = lines[j] ?? "";
        if (next.trim() === "") {
          // A loose list: blank lines inside an item, then more of the item (indented deeper).
          let k = j;
          while (k < lines.length && (lines[k] ?? "").trim() === "") k++;
          if (k < lines.length && indentOf(lines[k] ?? "") > indent) {
            j = k;
            continue;
          }
          break;
        }
        if (FENCE.test(next)) {
          // A fence indented under the item, or right after it, belongs to it.
          if (indentOf(next) > indent || j === i + 1 || (lines[j - 1] ?? "").trim() !== "") {
            j = fenceEnd(lines, j);
            continue;
          }
          break;
        }
        // A line right under the item's text that starts no block of its own continues the item
        // (CommonMark's lazy continuation: "- last item\nRule: …" is one item). Read apart, removing the
        // item would glue that line to whatever stands above it.
        if (indentOf(next) <= indent && !lazyContinuation(next)) break;
        j++;
      }
      push(i, j - 1, "bullet", /\d/.test(bullet[0] ?? ""));
      i = j;
      continue;
    }
    let j = i + 1;
    while (j < lines.length) {
      const next = lines[j] ?? "";
      if (FENCE.test(next)) {
        j = fenceEnd(lines, j);
        break;
      }
      if (next.trim() === "" || ATX.test(next) || BULLET.test(next) || RULE.test(next)) break;
      j++;
    }
    push(i, j - 1, "paragraph", false);
    i = j;
  }
  return { lines, entries, frontmatter };
}

/**
 * The comparison form of an entry: case of plain words, emphasis, quotes, whitespace and trailing
 * punctuation are folded. Code spans are kept verbatim, and so are identifiers (GITHUB_TOKEN, v1.2,
 * camelCase), numbers and checkbox state, so "v1.2" and "v1.3" never compare equal.
 */
export function normalizeEntry(lines: string[]): string {
  return lines
    .map((l) => l.replace(BULLET, ""))
    .join(" ")
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part.slice(1, -1) : foldProse(part)))
    .join("")
    .replace(/\s+/g, " ")
    .trim()
    .replace(TRAILING_PUNCTUATION, "")
    .trim();
}

function foldProse(s: string): string {
  return s
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/(^|[\s(])(\*\*|__|\*|_)(?=\S)/g, "$1")
    .replace(/(\S)(\*\*|__|\*|_)(?=$|[\s).,;:!?])/g, "$1")
    .replace(/\b[A-Za-z][a-z]*\b/g, (w) => w.toLowerCase());
}
