import { provenAfter } from "../../checks/session-order.ts";
import type { Change, Evidence } from "../../manifest.ts";
import { type Entry, normalizeEntry, ownDay } from "../../memory/entries.ts";
import { ATX, endsWithColon, listAfter } from "../../memory/markdown.ts";
import type { NoteFile } from "../../memory/reader.ts";
import { type DateRewrite, rewriteRelativeDates } from "../../memory/relative-dates.ts";
import { contentWords } from "../../text/similarity.ts";
import { recordedStart, type Session } from "../../transcripts/session.ts";
import type { ProposedOperation } from "../engine.ts";
import { datable, pastMidnight } from "./datable.ts";
import { HOME, homeRank } from "./home.ts";

/** An entry as the offline rules see it: dates made absolute, plus the forms the rules compare. */
export interface Planned {
  entry: Entry;
  /** The entry's lines with the relative dates a dream may propose to make absolute (see relative-dates.ts). */
  after: string[];
  rewrites: { line: number; rewrites: DateRewrite[] }[];
  /** Exact-duplicate key; "" when the entry must never be merged. */
  key: string;
  /** Text without list markers, after date rewriting. */
  text: string;
  words: Set<string>;
  /** All lines of the entry's file, for removal ranges. */
  fileLines: string[];
  /** YYYY-MM-DD the entry was written (file mtime as a last resort), for latest-wins. */
  when: string | null;
  /** homeRank of its file: which copy of a duplicate is kept. */
  home: number;
  /**
   * It does not name its own subject (a `Label: value` line, a short item): its subject is its heading
   * path, so it is one fact only with a copy in the same file and section.
   */
  local: boolean;
  /**
   * Another item of its list is a `Label: value` line: the list is one record's fields
   * ("- email-agent crashed…" over "- Root cause: …", "- Fix: …"), and none of its items is removed on
   * its own in favour of a copy elsewhere.
   */
  inRecord: boolean;
}

const MARKER = /^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/;

/** Which copy of a duplicate survives: see home.ts, then the first. */
export function keepRank(p: Planned): number {
  return p.home;
}

/**
 * Whether `copy` says nothing `keep` does not, where it stands. Within a file: only in the same section
 * (the same heading, not another with its text), a list item only in the same list, a paragraph only
 * right after its twin (issue 13's third audit). Across files:
 * only a daily note's sentence that names its own subject, standing alone (not one field of a record),
 * already in the index or a topic file (what consolidating memory means). The same words anywhere else
 * are two records — two days' briefs, two listings, a Title's and a Caption's settings, two CVs, a
 * template and a client's case file, a backup — and each keeps its own line (issue 13's two audits).
 */
export function redundant(copy: Planned, keep: Planned): boolean {
  // An index's line is never the copy removed (home.ts).
  if (copy.home === HOME.index) return false;
  const a = copy.entry;
  const b = keep.entry;
  if (a.path === b.path) {
    if (a.sectionLine !== b.sectionLine) return false;
    if (a.kind === "bullet" || b.kind === "bullet") return a.group === b.group;
    // A paragraph again further down its section belongs to what stands above it there: a post's
    // line in its draft and in its final cut, a title's tail under "Best item" and under "Best overall".
    return adjacent(copy, keep);
  }
  return (
    copy.home === HOME.daily && keep.home <= HOME.index && !copy.local && !copy.inRecord && underTheDay(copy)
  );
}

const DAY_HEADING = /^\[?\d{4}-\d{2}-\d{2}\b/;

/**
 * The daily note's line stands under the day itself (its date heading, or no heading): a line of the
 * day's log. Under a named heading ("Domain Truth", "Professional") it is one line of a block with a
 * meaning of its own, which its copy in the index does not make redundant (issue 13's fourth audit: a
 * block cut to 2 of its 4 lines, a role taken out of an identity note's "Professional").
 */
function underTheDay(p: Planned): boolean {
  const innermost = p.entry.section.split(" > ").at(-1) ?? "";
  return p.entry.section === "" || DAY_HEADING.test(innermost);
}

/** Nothing but blank lines between the two entries: a paste of the same paragraph twice in a row. */
function adjacent(x: Planned, y: Planned): boolean {
  const [first, second] = x.entry.startLine < y.entry.startLine ? [x, y] : [y, x];
  return x.fileLines.slice(first.entry.endLine, second.entry.startLine - 1).every((l) => l.trim() === "");
}

export const where = (p: Planned) => `${p.entry.path}:${p.entry.startLine}`;

// A form's blank: "[path or URL]", "`[Specific artifact exists]`", "TBD". Two of them are two fields.
const PLACEHOLDER = /^(?:`?\[[^\]]*\]`?|tbd|todo|n\/a|none|-|\.\.\.|…)$/i;
// A template's lines are scaffolding, repeated by design: a file in a templates/ folder or named so.
const TEMPLATES_DIR = /(?:^|\/)templates?\//i;
const isTemplate = (path: string) =>
  TEMPLATES_DIR.test(path) ||
  path
    .slice(path.lastIndexOf("/") + 1)
    .toLowerCase()
    .includes("template");

/**
 * Numbered items are steps, a list item with lines under it is a record with its fields (six rows of
 * "loser — 0: watch this" are six posts), a placeholder is a blank to fill, a template is scaffolding:
 * never merged. Short entries ("None", "done") mean something only in their section, so they merge only
 * within it.
 */
function dedupKey(entry: Entry, norm: string, local: boolean): string {
  if (entry.ordered || isTemplate(entry.path) || PLACEHOLDER.test(norm.replace(/^\[ \]\s*/, ""))) return "";
  if (entry.kind === "bullet" && entry.lines.length > 1) return "";
  return local ? `${entry.path}\0${entry.sectionLine}\0${norm}` : norm;
}

// "Auth: WPA2", "**Follow-up:** 7 days", "- [ ] Status: done": a label of a few words, then its value.
const LABEL =
  /^\s*(?:(?:[-*+]|\d{1,9}[.)])\s+)?(?:\[[ xX]\]\s+)?[*_]{0,2}[^\s:*_][^:]{0,40}?[*_]{0,2}\s?:[*_]{0,2}\s/;
const LOCAL_WORDS = 6;

/** A `Label: value` line: a field of whatever its heading or list describes. */
function labelled(entry: Entry): boolean {
  const label = LABEL.exec(entry.lines[0] ?? "");
  return label !== null && label[0].trim().split(/\s+/).length <= 6;
}

/** Whether an entry takes its subject from its heading path (see Planned.local). */
function local(entry: Entry, norm: string): boolean {
  return labelled(entry) || norm.split(" ").length < LOCAL_WORDS;
}

/**
 * `vocabulary` holds one copy of each word for the whole dream: the word sets of 100k entries held a
 * million word strings, most of them repeats of a few thousand words, and were the dream's largest live
 * data while the rules ran.
 */
export function plan(
  note: NoteFile,
  mtimeDay: string | null,
  notes: string[],
  vocabulary: Map<string, string> = new Map(),
  linked: ReadonlySet<string> = new Set(),
): Planned[] {
  const home = homeRank(note.path, linked);
  const one = (w: string) => {
    const known = vocabulary.get(w);
    if (known !== undefined) return known;
    vocabulary.set(w, w);
    return w;
  };
  const late = pastMidnight(note.parsed.lines);
  const planned: Planned[] = note.parsed.entries.map((entry) => {
    const rewrites: Planned["rewrites"] = [];
    const dated = datable(entry, late);
    const after = entry.lines.map((line, i) => {
      if (!("day" in dated)) {
        if (rewriteRelativeDates(line, "2000-01-01").rewrites.length) {
          notes.push(`${entry.path}:${entry.startLine + i}: relative date left as written (${dated.why})`);
        }
        return line;
      }
      const r = rewriteRelativeDates(line, dated.day, { proposal: true });
      if (r.rewrites.length) rewrites.push({ line: entry.startLine + i, rewrites: r.rewrites });
      return r.text;
    });
    // Entries are compared with every relative date folded against the day written, whatever may be
    // proposed: "deployed today" written on two days is two facts.
    const day = entry.writtenOn;
    const compared = day ? entry.lines.map((line) => rewriteRelativeDates(line, day).text) : entry.lines;
    const text = compared.map((l) => l.replace(MARKER, "")).join(" ");
    const norm = normalizeEntry(compared);
    const isLocal = local(entry, norm);
    return {
      entry,
      after,
      rewrites,
      key: dedupKey(entry, norm, isLocal),
      home,
      local: isLocal,
      text,
      words: new Set(contentWords(text).map(one)),
      fileLines: note.parsed.lines,
      when: entry.writtenOn ?? mtimeDay,
      inRecord: false,
    };
  });
  const fields = new Map<number, number>();
  const isField = planned.map((p) => p.entry.kind === "bullet" && labelled(p.entry));
  planned.forEach((p, i) => {
    if (isField[i]) fields.set(p.entry.group, (fields.get(p.entry.group) ?? 0) + 1);
  });
  planned.forEach((p, i) => {
    p.inRecord = (fields.get(p.entry.group) ?? 0) > (isField[i] ? 1 : 0);
  });
  return planned;
}

/** A paragraph ending in ":" right above a list: it introduces the list (code refuses parting them). */
export function isLeadIn(p: Planned): boolean {
  const { entry, fileLines } = p;
  if (entry.kind !== "paragraph" || !endsWithColon(entry.lines.at(-1) ?? "")) return false;
  return listAfter(fileLines, entry.endLine - 1) !== null;
}

/** Remove an entry; a paragraph also takes one following blank line so no double gap is left. */
export function removal(p: Planned): Change {
  const { entry, fileLines: lines } = p;
  let end = entry.endLine;
  const prevBlank = entry.startLine === 1 || (lines[entry.startLine - 2] ?? "").trim() === "";
  if (entry.kind === "paragraph" && prevBlank && end < lines.length && (lines[end] ?? "").trim() === "")
    end++;
  // The only thing under its heading: the heading goes with it, or it would be left with nothing
  // under it (which code refuses). A date heading over one duplicated line is the common case.
  const start = soleContentOf(lines, entry.startLine, end) ?? entry.startLine;
  if (start < entry.startLine) while (end < lines.length && (lines[end] ?? "").trim() === "") end++;
  return {
    path: entry.path,
    startLine: start,
    endLine: end,
    before: lines.slice(start - 1, end),
    after: [],
  };
}

/**
 * The line of the heading that lines `start`..`end` are the whole content of (blank lines aside), when
 * the next heading is not one of its sub-headings; null otherwise.
 */
function soleContentOf(lines: readonly string[], start: number, end: number): number | null {
  let h = start - 1;
  while (h >= 1 && (lines[h - 1] ?? "").trim() === "") h--;
  const heading = ATX.exec(lines[h - 1] ?? "");
  if (!heading?.[1]) return null;
  let next = end + 1;
  while (next <= lines.length && (lines[next - 1] ?? "").trim() === "") next++;
  if (next > lines.length) return h;
  const after = ATX.exec(lines[next - 1] ?? "");
  return after?.[1] && after[1].length <= heading[1].length ? h : null;
}

export function evidenceOf(p: Planned): Evidence {
  return {
    source: "memory",
    path: p.entry.path,
    line: p.entry.startLine,
    quote: (p.entry.lines[0] ?? "").trim(),
  };
}

/** A sentence a session said, where to quote it from. */
export interface Said {
  session: Session;
  index: number;
  sentence: string;
}

/**
 * A session retires only what it provably follows: the entry's own day (never a frontmatter date or an
 * mtime) before the session's, or its file unchanged since a snapshot older than the session. Undated on
 * either side, or the same day: not known, so nothing is retired (code refuses it too:
 * checks/session-order.ts).
 */
export function saidAfter(p: Planned, said: Said, seenSince: ReadonlyMap<string, string>): boolean {
  return provenAfter(recordedStart(said.session), ownDay(p.entry), seenSince.get(p.entry.path));
}

/** The session started before the entry's own day: the entry is the newer word, nothing to ask. */
export function saidBefore(p: Planned, said: Said): boolean {
  const started = recordedStart(said.session);
  const day = ownDay(p.entry);
  return started !== null && day !== null && started.slice(0, 10) < day;
}

/** Remove `p`, citing the session sentence that retires it and the entry itself. */
export function pruneBySession(p: Planned, said: Said, reason: string): ProposedOperation {
  return {
    kind: "prune",
    targets: [p.entry.path],
    reason,
    evidence: [
      { source: "session", session: said.session.id, index: said.index, quote: said.sentence },
      evidenceOf(p),
    ],
    changes: [removal(p)],
  };
}
