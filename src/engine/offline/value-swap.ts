import type { ReviewItem } from "../../manifest.ts";
import { HOME } from "./home.ts";
import { evidenceOf, type Planned, where } from "./plan.ts";

/**
 * Words that state where something stands. Two entries that say the same thing but for one such word
 * ("the export is available" / "the export is planned") or one number ("covers 32+ files" / "covers 20+
 * files") contradict each other. Code cannot tell which is current, or whether both were true once, so
 * the pair is listed for review, both sides quoted, and nothing changes (issue 13, class 8).
 */
const STATUS = new Set(
  "available planned done todo pending complete completed incomplete shipped live deprecated removed enabled disabled active inactive started finished blocked unblocked open closed merged draft released unreleased supported unsupported working broken deployed approved rejected cancelled canceled paused running stopped".split(
    " ",
  ),
);
const NUMBER = /^\d[\d.,]*$/;

/** The one word each side has and the other lacks, when that is a number or a status word; else null. */
export function valueSwap(a: Planned, b: Planned): { from: string; to: string } | null {
  const onlyA = [...a.words].filter((w) => !b.words.has(w));
  const onlyB = [...b.words].filter((w) => !a.words.has(w));
  if (onlyA.length !== 1 || onlyB.length !== 1) return null;
  const [x, y] = [onlyA[0] ?? "", onlyB[0] ?? ""];
  if (NUMBER.test(x) && NUMBER.test(y)) return { from: x, to: y };
  if (STATUS.has(x) && STATUS.has(y)) return { from: x, to: y };
  return null;
}

/**
 * Whether a swapped pair may be a contradiction at all: two claims about now, not two records. Neither
 * is in a daily note (a day's "found 3 listings" and another's "found 5" are two days), neither is one
 * field of a record, two sections of one file are two records (a log's runs), and two items of one list
 * are an enumeration ("Phase 1 done", "Phase 2 done"). Then one subject: the same section, or both name
 * their own.
 */
export function sameSubject(a: Planned, b: Planned): boolean {
  if (a.home === HOME.daily || b.home === HOME.daily || a.inRecord || b.inRecord) return false;
  const sameFile = a.entry.path === b.entry.path;
  if (sameFile && a.entry.kind === "bullet" && a.entry.group === b.entry.group) return false;
  if (sameFile) return a.entry.sectionLine === b.entry.sectionLine;
  return !a.local && !b.local;
}

export function contradiction(a: Planned, b: Planned, swap: { from: string; to: string }): ReviewItem {
  const day = (p: Planned) => p.entry.writtenOn ?? "no written-on date";
  return {
    kind: "contradiction",
    reason: `"${swap.from}" (${where(a)}, ${day(a)}) and "${swap.to}" (${where(b)}, ${day(b)}) in otherwise the same words: which one holds now, or whether both did once, is not decided by code; nothing is changed`,
    evidence: [evidenceOf(a), evidenceOf(b)],
  };
}

// "**AI Services** (32+ files): …", "- API routes (14 endpoints) — …": a labelled count of something.
const LABEL_COUNT =
  /^\s*(?:[-*+]\s+)?(?:\*\*|__)?([A-Za-z][\w /&.-]{2,40}?)(?:\*\*|__)?\s*\((\d[\d,]*\+?)\s+([a-z]+)\)/;

/**
 * One label counted differently in two notes ("AI Services (32+ files)" in one, "(20+ files)" in
 * another): which count holds now is for the owner. Claims about now only (no daily note), each label
 * and unit once, every side quoted.
 */
export function labelledCounts(planned: readonly Planned[], removed: ReadonlySet<Planned>): ReviewItem[] {
  const byLabel = new Map<string, { p: Planned; count: string }[]>();
  for (const p of planned) {
    if (removed.has(p) || p.home === HOME.daily) continue;
    const m = LABEL_COUNT.exec(p.entry.lines[0] ?? "");
    if (!m?.[1] || !m[2] || !m[3]) continue;
    const key = `${m[1].trim().toLowerCase()}\0${m[3].toLowerCase()}`;
    const list = byLabel.get(key);
    if (list) list.push({ p, count: m[2] });
    else byLabel.set(key, [{ p, count: m[2] }]);
  }
  const items: ReviewItem[] = [];
  for (const [key, sides] of byLabel) {
    const counts = new Set(sides.map((s) => s.count));
    if (counts.size < 2 || new Set(sides.map((s) => s.p.entry.path)).size < 2) continue;
    const [label, unit] = key.split("\0");
    items.push({
      kind: "contradiction",
      reason: `"${label}" counted as ${sides.map((s) => `${s.count} ${unit} (${where(s.p)})`).join(", ")}: which count holds now is not decided by code; nothing is changed`,
      evidence: sides.slice(0, 6).map((s) => evidenceOf(s.p)),
    });
  }
  return items;
}
