import type { ProposedOperation } from "../../engine.ts";
import { evidenceOf, type Planned, removal, where } from "../plan.ts";
import type { Rule } from "./rule.ts";

/**
 * Contradictions: a slot is a subject + attribute with one current value ("deploy region is eu-west-1",
 * "package manager: pnpm", "the owner is now Dana"). When entries give one slot different values, the
 * latest written wins and the older ones are superseded (removed from the store, kept in the manifest
 * and the snapshot). Without two distinct dates nothing is decided: that is reported, not guessed.
 */
export interface Slot {
  subject: string;
  value: string;
  /** "label" for "Subject: value", "sentence" for "the subject is value": prose never retires a label. */
  form: "label" | "sentence";
  /**
   * The subject holds a name: a word with a digit, a hyphen, an underscore, a dot or a capital after the
   * first ("billing-api deploy region", "the Postgres version"). "The interesting part" names nothing:
   * two posts' "the interesting part is …" are two posts, not one value changed (issue 13, audit 2).
   */
  named: boolean;
}

const NAME = /[\d_./-]|\b[A-Z]/;

const PATTERNS = [
  // "<subject> is (now) <value>", "<subject> moved to <value>", "<subject> changed to <value>"
  // Every repetition is bounded, so a match is short and the work per line is bounded whatever its length.
  /^(?:the\s{1,8}|our\s{1,8})?(?<subject>[a-z][a-z0-9 /_-]{2,60}?)\s{1,8}(?:is|are)\s{1,8}(?:now\s{1,8})?(?<value>[^,;()]{1,40}?)[.!]?$/i,
  /^(?:the\s{1,8}|our\s{1,8})?(?<subject>[a-z][a-z0-9 /_-]{2,60}?)\s{1,8}(?:moved|changed|switched)\s{1,8}to\s{1,8}(?<value>[^,;()]{1,40}?)[.!]?$/i,
  /^(?:the\s{1,8}|our\s{1,8})?(?<subject>[a-z][a-z0-9 /_-]{2,60}?)\s{0,8}[:=]\s{1,8}(?<value>[^,;()]{1,40}?)[.!]?$/i,
];
// Subjects that read as a slot but are not one ("this", "it", "everything").
const VAGUE = /^(it|this|that|there|everything|nothing|something|he|she|they|we|i)$/i;
const MAX_VALUE_WORDS = 4;

/** The slot an entry sets, or null. Only short, single-statement entries qualify. */
export function extractSlot(text: string): Slot | null {
  const t = text.replace(/`/g, "").replace(/\*\*/g, "").trim();
  if (t.split(/\s+/).length > 12) return null;
  for (const [k, re] of PATTERNS.entries()) {
    const m = re.exec(t);
    const raw = m?.groups?.subject?.trim() ?? "";
    const subject = raw.toLowerCase().replace(/\s+/g, " ");
    const value = m?.groups?.value?.trim();
    if (!subject || !value || VAGUE.test(subject)) continue;
    if (value.split(/\s+/).length > MAX_VALUE_WORDS || /\b(not|never|no)\b/i.test(value)) continue;
    return {
      subject,
      value,
      form: k === 2 ? "label" : "sentence",
      named: NAME.test(t.startsWith(raw) ? raw.slice(1) : raw),
    };
  }
  return null;
}

// The value names an object, not a state ("Commit: 3f2a9c1", "Cron ID: 8c1e…", "Page: #412"): two such
// lines are two objects, never one attribute's old and new value (issue 13, class 4).
const ID_VALUE = /^(?:[0-9a-f]{7,40}|[0-9a-f]{8}-[0-9a-f-]{27}|#?\d{3,}|[a-z]{2,10}-\d{2,})$/i;
const ID_LABEL =
  /(?<![\w-])(?:ids?|commits?|hash(?:es)?|sha|uuid|keys?|tokens?|urls?|links?|paths?|files?|pages?|tickets?|issues?|prs?|refs?)$/i;
const DATE_VALUE = /^\d{4}-\d{2}-\d{2}/;
const NUMBER_VALUE = /^[~≈<>]?[$€£]?\d[\d,.]*\s*(?:%|[a-z]{0,3})$/i;

/** What kind of value a slot holds: values of two kinds are not one attribute ("Added: 0" / "Added: 2026-03-22"). */
export function valueKind(value: string): "date" | "number" | "text" {
  if (DATE_VALUE.test(value)) return "date";
  if (NUMBER_VALUE.test(value)) return "number";
  return "text";
}

/** A slot that may be compared at all: not an object's id. */
function comparable(slot: Slot): boolean {
  return !ID_VALUE.test(slot.value) && !ID_LABEL.test(slot.subject);
}

/**
 * Where a slot's subject comes from. A label ("Auth: WPA2") or a subject that names nothing ("the
 * interesting part", "the reddit draft", "deploy region") does not say whose attribute it is: its
 * section does (the heading it stands under, not another with that text), so it is compared only there
 * — two days' posts or drafts are two things, not one value changed (issue 13, audit 2). A sentence that
 * names its subject ("the billing-api deploy region is eu-west-1") is one slot wherever it appears.
 */
function slotKey(p: Planned, slot: Slot): string {
  const scoped = slot.form === "label" || !slot.named;
  return `${slot.form}\0${scoped ? `${p.entry.path}\0${p.entry.sectionLine}\0` : ""}${slot.subject}`;
}

export const supersede: Rule = {
  name: "supersede",
  run({ planned, removed, held, notes, review }) {
    const bySlot = new Map<string, { p: Planned; slot: Slot }[]>();
    for (const p of planned) {
      if (removed.has(p) || held.has(p) || p.entry.ordered || p.entry.lines.length > 1) continue;
      const slot = extractSlot(p.text);
      if (!slot || !comparable(slot)) continue;
      const key = slotKey(p, slot);
      const list = bySlot.get(key) ?? [];
      list.push({ p, slot });
      bySlot.set(key, list);
    }
    const ops: ProposedOperation[] = [];
    for (const list of bySlot.values()) {
      const subject = list[0]?.slot.subject ?? "";
      const values = new Set(list.map((x) => x.slot.value.toLowerCase()));
      if (values.size < 2) continue;
      if (new Set(list.map((x) => valueKind(x.slot.value))).size > 1) {
        notes.push(
          `"${subject}" holds values of different kinds (${[...values].join(" / ")}): left for review`,
        );
        continue;
      }
      // A written-on date only: a file's mtime is when it was copied, not when the fact was written.
      const dated = list.filter((x) => x.p.entry.writtenOn);
      const day = (x: { p: Planned }) => x.p.entry.writtenOn ?? "";
      const latest = [...dated].sort((a, b) => day(b).localeCompare(day(a)))[0];
      const tie =
        latest &&
        dated.some(
          (x) =>
            x !== latest &&
            day(x) === day(latest) &&
            x.slot.value.toLowerCase() !== latest.slot.value.toLowerCase(),
        );
      if (!latest || tie || dated.length < list.length) {
        notes.push(
          `"${subject}" has conflicting values (${[...values].join(" / ")}) without a clear latest date: left for review`,
        );
        review.push({
          kind: "contradiction",
          reason: `"${subject}": ${list.map((x) => `${x.slot.value} (${day(x) || "no written-on date"}, ${where(x.p)})`).join(" / ")}; no clear latest written-on date, so nothing is retired`,
          evidence: list.map((x) => evidenceOf(x.p)),
        });
        continue;
      }
      const older = list.filter(
        (x) => x !== latest && x.slot.value.toLowerCase() !== latest.slot.value.toLowerCase(),
      );
      if (!older.length) continue;
      for (const o of older) removed.add(o.p);
      ops.push({
        kind: "supersede",
        targets: [...new Set([latest, ...older].map((x) => x.p.entry.path))],
        reason: `"${subject}" changed: ${older.map((o) => `${o.slot.value} (${day(o)}, ${where(o.p)})`).join(", ")} → ${latest.slot.value} (${day(latest)}, ${where(latest.p)}); the latest wins`,
        evidence: [evidenceOf(latest.p), ...older.map((o) => evidenceOf(o.p))],
        changes: older.map((o) => removal(o.p)),
      });
    }
    return ops;
  },
};
