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
}

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
  for (const re of PATTERNS) {
    const m = re.exec(t);
    const subject = m?.groups?.subject?.trim().toLowerCase().replace(/\s+/g, " ");
    const value = m?.groups?.value?.trim();
    if (!subject || !value || VAGUE.test(subject)) continue;
    if (value.split(/\s+/).length > MAX_VALUE_WORDS || /\b(not|never|no)\b/i.test(value)) continue;
    return { subject, value };
  }
  return null;
}

export const supersede: Rule = {
  name: "supersede",
  run({ planned, removed, notes }) {
    const bySlot = new Map<string, { p: Planned; slot: Slot }[]>();
    for (const p of planned) {
      if (removed.has(p) || p.entry.ordered || p.entry.lines.length > 1) continue;
      const slot = extractSlot(p.text);
      if (!slot) continue;
      const list = bySlot.get(slot.subject) ?? [];
      list.push({ p, slot });
      bySlot.set(slot.subject, list);
    }
    const ops: ProposedOperation[] = [];
    for (const [subject, list] of bySlot) {
      const values = new Set(list.map((x) => x.slot.value.toLowerCase()));
      if (values.size < 2) continue;
      const dated = list.filter((x) => x.p.when);
      const latest = [...dated].sort((a, b) => (b.p.when ?? "").localeCompare(a.p.when ?? ""))[0];
      const tie =
        latest &&
        dated.some(
          (x) =>
            x !== latest &&
            x.p.when === latest.p.when &&
            x.slot.value.toLowerCase() !== latest.slot.value.toLowerCase(),
        );
      if (!latest || tie || dated.length < list.length) {
        notes.push(
          `"${subject}" has conflicting values (${[...values].join(" / ")}) without a clear latest date: left for review`,
        );
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
        reason: `"${subject}" changed: ${older.map((o) => `${o.slot.value} (${o.p.when}, ${where(o.p)})`).join(", ")} → ${latest.slot.value} (${latest.p.when}, ${where(latest.p)}); the latest wins`,
        evidence: [evidenceOf(latest.p), ...older.map((o) => evidenceOf(o.p))],
        changes: older.map((o) => removal(o.p)),
      });
    }
    return ops;
  },
};
