import type { ReviewItem } from "../../../manifest.ts";
import { HOME } from "../home.ts";
import { evidenceOf, type Planned, where } from "../plan.ts";
import type { Rule } from "./rule.ts";

/**
 * Stale claims: a plan whose day has passed ("Phase 0 starts tomorrow", written 2026-03-04). Whether it
 * happened is not something code can know, so nothing is retired: the plan is listed for review, with
 * the later entry that says it did not happen ("never happened, still NOT STARTED") beside it when there
 * is one. Without such an entry only the index's and topic files' plans are listed (a daily note's plan
 * is that day's record, not a claim about today), at most MAX_UNANSWERED of them (issue 13, class 8).
 */
const PLAN =
  /\b(?:starts?|starting|begins?|launch(?:es|ing)?|kicks? off|goes live|go live|will|scheduled|planned|plan to|going to|due)\b/i;
const DID_NOT =
  /\b(?:never happened|did(?:n't| not) happen|(?:not|never|hasn't|has not|haven't|have not) (?:yet )?(?:started|begun|happened|launched|shipped)|postponed|delayed|cancell?ed|called off|pushed back|still not)\b/i;
const ISO = /\b\d{4}-\d{2}-\d{2}\b/g;
const MAX_UNANSWERED = 30;
/** A shared word this rare names the plan's subject ("phase", "0" in a store of thousands of entries). */
const RARE = 12;

/** The day a plan was for, when it was after the day it was written and is before today; else null. */
function passedPlanDay(p: Planned, today: string): string | null {
  const written = p.entry.writtenOn;
  if (!written || !PLAN.test(p.text) || DID_NOT.test(p.text)) return null;
  const days = (p.text.match(ISO) ?? []).filter((d) => d > written);
  const day = days.sort().at(-1);
  return day && day < today ? day : null;
}

// A thing said to be under way or undecided, and a thing said to be settled.
const OPEN =
  /\b(?:in progress|debug in progress|planned|pending|next priority|to ?do|open decision|awaiting|not yet|investigating|proposed|blocked|wip)\b/i;
const SETTLED =
  /\b(?:done|resolved|fixed|completed?|shipped|implemented|decided|confirmed|no longer|eliminated)\b/i;
const SPECIFIC = 50;
const PER_FILE = 2;

/**
 * In one note, an entry that calls something under way or undecided beside one that calls it settled
 * (they share two words specific to few entries of the store): the first may be outdated. Listed, both
 * quoted; which one holds is for the owner.
 */
function openBesideSettled(planned: readonly Planned[], removed: ReadonlySet<Planned>): ReviewItem[] {
  const live = planned.filter((p) => !removed.has(p));
  const df = new Map<string, number>();
  for (const p of live) for (const w of p.words) df.set(w, (df.get(w) ?? 0) + 1);
  const specific = (p: Planned) => [...p.words].filter((w) => (df.get(w) ?? 0) <= SPECIFIC);
  const byFile = new Map<string, { open: Planned[]; settled: Planned[] }>();
  for (const p of live) {
    const isOpen = OPEN.test(p.text);
    const isSettled = SETTLED.test(p.text);
    if (isOpen === isSettled) continue;
    const f = byFile.get(p.entry.path) ?? { open: [], settled: [] };
    (isOpen ? f.open : f.settled).push(p);
    byFile.set(p.entry.path, f);
  }
  const items: ReviewItem[] = [];
  for (const { open, settled } of byFile.values()) {
    // Through postings of specific words (each at most SPECIFIC entries long): never all pairs.
    const postings = new Map<string, Planned[]>();
    for (const s of settled) {
      for (const w of specific(s)) {
        const list = postings.get(w);
        if (list) list.push(s);
        else postings.set(w, [s]);
      }
    }
    let n = 0;
    for (const a of open) {
      if (n >= PER_FILE) break;
      const shared = new Map<Planned, number>();
      let b: Planned | undefined;
      for (const w of specific(a)) {
        for (const s of postings.get(w) ?? []) {
          const k = (shared.get(s) ?? 0) + 1;
          shared.set(s, k);
          if (k >= 2 && !b) b = s;
        }
      }
      if (!b) continue;
      n++;
      items.push({
        kind: "stale",
        reason: `${where(a)} calls it under way or undecided, ${where(b)} calls it settled: the first may be outdated; not changed by code`,
        evidence: [evidenceOf(a), evidenceOf(b)],
      });
    }
  }
  return items;
}

const MONTHS = "january february march april may june july august september october november december".split(
  " ",
);
const MONTH_DAY = new RegExp(
  `\\b(${MONTHS.map((m) => m.slice(0, 3)).join("|")})[a-z]*\\.? (\\d{1,2})\\b`,
  "i",
);

/**
 * A note's frontmatter `description:` is what an agent's index shows every session (Claude Code's memory
 * files carry one), so a plan there dated by month and day ("Phase 0 starts tomorrow (June 17)") reads as
 * current long after the day: listed when that day, in the dream's year, has passed.
 */
function describedPlans(files: ReadonlyMap<string, readonly string[]>, today: string): ReviewItem[] {
  const items: ReviewItem[] = [];
  for (const [path, lines] of files) {
    if (lines[0]?.trim() !== "---") continue;
    for (let i = 1; i < Math.min(lines.length, 40); i++) {
      const line = lines[i] ?? "";
      if (line.trim() === "---") break;
      if (!/^description\s*:/i.test(line) || !PLAN.test(line)) continue;
      const m = MONTH_DAY.exec(line);
      const month = MONTHS.findIndex((x) => x.startsWith((m?.[1] ?? "").toLowerCase()));
      const dayOfMonth = Number(m?.[2] ?? 0);
      if (month < 0 || dayOfMonth < 1 || dayOfMonth > 31) continue;
      const year = Number(today.slice(0, 4));
      const iso = (y: number) =>
        `${y}-${String(month + 1).padStart(2, "0")}-${String(dayOfMonth).padStart(2, "0")}`;
      // Still ahead this year: a plan, not a stale one (a year before is too far to guess).
      if (iso(year) >= today) continue;
      const day = iso(year);
      items.push({
        kind: "stale",
        reason: `${path}:${i + 1}'s description, which an index shows every session, plans for ${m?.[0]} (${day}), now past: check whether it happened; not changed by code`,
        evidence: [{ source: "memory", path, line: i + 1, quote: line.trim() }],
      });
    }
  }
  return items;
}

export const staleClaims: Rule = {
  name: "stale-claims",
  run({ planned, removed, now, review, files }) {
    review.push(
      ...openBesideSettled(planned, removed),
      ...describedPlans(files, now.toISOString().slice(0, 10)),
    );
    const today = now.toISOString().slice(0, 10);
    const plans = planned.flatMap((p) => {
      const day = removed.has(p) ? null : passedPlanDay(p, today);
      return day ? [{ p, day }] : [];
    });
    if (!plans.length) return [];
    const wanted = new Set(plans.flatMap(({ p }) => [...p.words]));
    const df = new Map<string, number>();
    for (const q of planned) for (const w of q.words) if (wanted.has(w)) df.set(w, (df.get(w) ?? 0) + 1);
    const denials = planned.filter((q) => !removed.has(q) && q.entry.writtenOn && DID_NOT.test(q.text));
    const items: ReviewItem[] = [];
    const unanswered: ReviewItem[] = [];
    for (const { p, day } of plans) {
      const denial = denials.find((q) => {
        if ((q.entry.writtenOn ?? "") < day) return false;
        const shared = [...p.words].filter((w) => q.words.has(w));
        return shared.length >= 2 && shared.some((w) => (df.get(w) ?? 0) <= RARE);
      });
      if (denial) {
        items.push({
          kind: "stale",
          reason: `a plan for ${day} (${where(p)}, written ${p.entry.writtenOn}); on ${denial.entry.writtenOn} ${where(denial)} says it did not happen: the plan reads as current and is stale, but code does not retire it`,
          evidence: [evidenceOf(p), evidenceOf(denial)],
        });
      } else if (p.home <= HOME.index) {
        unanswered.push({
          kind: "stale",
          reason: `a plan for ${day} (${where(p)}, written ${p.entry.writtenOn}), now past; nothing in memory says whether it happened`,
          evidence: [evidenceOf(p)],
        });
      }
    }
    review.push(...items, ...unanswered.slice(0, MAX_UNANSWERED));
    return [];
  },
};
