import type { ReviewItem } from "../../../manifest.ts";
import type { ProposedOperation } from "../../engine.ts";
import { evidenceOf, type Planned, saidAfter, saidBefore, where } from "../plan.ts";
import type { Typed } from "../said.ts";
import type { Rule } from "./rule.ts";
import { extractSlot } from "./supersede.ts";

/**
 * A switch a person stated in a session, naming both sides ("we switched from npm to pnpm", "use Podman
 * instead of Docker", "Jenkins was replaced by GitHub Actions"), supersedes the one memory entry whose
 * whole value is the old side ("- Package manager: npm" → "- Package manager: pnpm"), citing the
 * session. This is the only correction code decides, because it can check every step: the sentence is
 * nothing but the switch (no "for the tests", no question, no "should we"); the old value is named in
 * one entry of the whole store, as the whole value of its slot, under a label that does not call it
 * history; no other sentence switches either side; the session provably came after the entry. Anything
 * short of that is listed for review beside the entries naming the old value, and nothing is changed
 * (session-corrections leaves such sentences to this rule).
 */
// A name ends in a letter or digit: "pnpm." is "pnpm" at the end of a sentence.
const TOKEN = "(?:`[^`\\n]{1,40}`|[\\p{L}\\p{N}](?:[\\p{L}\\p{N}._@/+#-]{0,38}[\\p{L}\\p{N}])?)";
const VALUE = `${TOKEN}(?: ${TOKEN}){0,2}`;
const OPEN = "(?:(?:no|nope|actually|correction|update|fyi)[,:!]? )?";
const END = "(?: now)?[.!]?";
// Each a whole sentence (after white space is squeezed): a clause more, and it is not only the switch.
const SWITCHES = [
  new RegExp(
    `^${OPEN}(?:we|i)(?:'ve| have)? (?:now )?(?:switched|moved|migrated) (?:over )?from (?<x>${VALUE}) to (?<y>${VALUE})${END}$`,
    "iu",
  ),
  new RegExp(`^${OPEN}(?:we )?(?:now )?use (?<y>${VALUE}) (?:now )?instead of (?<x>${VALUE})${END}$`, "iu"),
  new RegExp(`^${OPEN}(?:we use|it's|it is) (?<y>${VALUE}) now,? not (?<x>${VALUE})[.!]?$`, "iu"),
  new RegExp(
    `^${OPEN}(?<x>${VALUE}) (?:was|has been|got|is) replaced (?:by|with) (?<y>${VALUE})${END}$`,
    "iu",
  ),
  new RegExp(`^${OPEN}(?:we )?replaced (?<x>${VALUE}) with (?<y>${VALUE})${END}$`, "iu"),
];
// Words that point at something said elsewhere, not name it: "from that to this" names nothing.
const VAGUE = new Set([
  "it",
  "this",
  "that",
  "these",
  "those",
  "them",
  "there",
  "here",
  "one",
  "the",
  "a",
  "an",
  "something",
  "everything",
  "nothing",
  "what",
  "which",
  "my",
  "our",
  "your",
]);

export interface Switch {
  from: string;
  to: string;
}

const fold = (s: string) => s.replace(/`/g, "").replace(/\s+/g, " ").trim().toLowerCase();

/** The switch a sentence states and nothing else, or null. */
export function switchIn(sentence: string): Switch | null {
  const s = sentence.replace(/\s+/g, " ").trim();
  for (const re of SWITCHES) {
    const g = re.exec(s)?.groups;
    const from = g?.x?.replace(/`/g, "");
    // "… to GitHub Actions now": "now" ends the sentence, it is not part of the name.
    const to = g?.y?.replace(/`/g, "").replace(/ now$/i, "");
    if (!from || !to || fold(from) === fold(to)) continue;
    const words = [...fold(from).split(" "), ...fold(to).split(" ")];
    if (words.some((w) => VAGUE.has(w))) continue;
    return { from, to };
  }
  return null;
}

const RUN = /[\p{L}\p{N}_-]+/gu;
/** The first run of name characters of a value: "node" of "node.js", "github" of "GitHub Actions". */
const firstRun = (value: string) => (value.toLowerCase().match(RUN) ?? [""])[0] ?? "";

/**
 * The entries whose text holds each value's first run as a whole run, found in one pass over the store
 * (a value named in an entry always is): a thousand switches do not each read every entry.
 */
function entriesNaming(live: readonly Planned[], values: readonly string[]): Map<string, Planned[]> {
  const wanted = new Set(values.map(firstRun));
  const out = new Map<string, Planned[]>();
  for (const p of live) {
    const seen = new Set<string>();
    for (const line of p.entry.lines)
      for (const run of line.toLowerCase().match(RUN) ?? [])
        if (wanted.has(run) && !seen.has(run)) {
          seen.add(run);
          const list = out.get(run);
          if (list) list.push(p);
          else out.set(run, [p]);
        }
  }
  return out;
}

/** `value` where it stands as a word of `line` (not inside a longer name), each index. */
function occurrences(line: string, value: string): number[] {
  const at: number[] = [];
  const lower = line.toLowerCase();
  const v = value.toLowerCase();
  const inName = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_-]/u.test(c);
  for (let i = lower.indexOf(v); i >= 0; i = lower.indexOf(v, i + 1))
    if (!inName(line[i - 1]) && !inName(line[i + v.length])) at.push(i);
  return at;
}

// A label that says the value is history or an alternative ("Previously: npm", "Avoid: Docker"): the
// entry already knows the value is not the current one.
const NOT_CURRENT =
  /\b(?:before|previous(?:ly)?|old|was|former(?:ly)?|legacy|from|originally|original|deprecated|replaced|alternatives?|avoid|not|never|rejected|tried|considered|instead|fallback|backup|other|except)\b/i;

export const sessionSwitches: Rule = {
  name: "session-switches",
  run({ planned, removed, held, typed, seenSince, review }) {
    const said = typed.flatMap((t) => {
      const sw = switchIn(t.sentence);
      return sw ? [{ t, sw }] : [];
    });
    if (!said.length) return [];
    // A value switched two ways, or switched away and back, is not one decision code can apply.
    const pairs = new Map<string, Set<string>>();
    for (const { sw } of said)
      for (const v of [fold(sw.from), fold(sw.to)]) {
        const set = pairs.get(v) ?? new Set<string>();
        set.add(`${fold(sw.from)}\0${fold(sw.to)}`);
        pairs.set(v, set);
      }
    const naming = entriesNaming(
      planned.filter((p) => !removed.has(p)),
      said.map(({ sw }) => sw.from),
    );
    const ops: ProposedOperation[] = [];
    const done = new Set<string>();
    for (const { t, sw } of said) {
      const from = fold(sw.from);
      if (done.has(from)) continue;
      done.add(from);
      // The old value is named once in the whole store, as the whole value of one entry's slot: that
      // entry is the store's only claim about it. Named anywhere else too ("run npm test"), the switch
      // reaches further than one line: listed for review beside every entry naming it.
      const holders = (naming.get(firstRun(sw.from)) ?? []).filter((p) =>
        p.entry.lines.some((l) => occurrences(l, sw.from).length),
      );
      const found = target(sw, holders, held, pairs);
      if (typeof found === "string") {
        const newer = holders.filter((p) => !saidBefore(p, t));
        if (newer.length) review.push(listed(t, sw, newer, found));
        continue;
      }
      const { p, line, at: i } = found;
      if (!saidAfter(p, t, seenSince)) {
        // Said before the entry was written, the entry is the newer word: nothing to ask. Undated, ask.
        if (!saidBefore(p, t))
          review.push(listed(t, sw, [p], "the session is not known to come after the entry"));
        continue;
      }
      removed.add(p);
      ops.push({
        kind: "supersede",
        targets: [p.entry.path],
        reason: `session ${t.session.id} (message ${t.index}) says "${t.sentence}", after ${where(p)} was written: ${sw.from} → ${sw.to}`,
        evidence: [
          { source: "session", session: t.session.id, index: t.index, quote: t.sentence },
          evidenceOf(p),
        ],
        changes: [
          {
            path: p.entry.path,
            startLine: p.entry.startLine,
            endLine: p.entry.startLine,
            before: [line],
            after: [`${line.slice(0, i)}${sw.to}${line.slice(i + sw.from.length)}`],
          },
        ],
      });
    }
    return ops;
  },
};

/**
 * The one entry a switch rewrites, its line and where the old value stands in it; or why code cannot
 * apply the switch to the store.
 */
function target(
  sw: Switch,
  holders: readonly Planned[],
  held: ReadonlySet<Planned>,
  pairs: ReadonlyMap<string, ReadonlySet<string>>,
): { p: Planned; line: string; at: number } | string {
  if (pairs.get(fold(sw.from))?.size !== 1 || pairs.get(fold(sw.to))?.size !== 1)
    return `the sessions switch ${sw.from} or ${sw.to} more than one way`;
  if (holders.length !== 1) return `${holders.length} entries name ${sw.from}`;
  const p = holders[0] as Planned;
  if (held.has(p) || p.entry.ordered || p.entry.lines.length > 1 || p.rewrites.length)
    return `the entry naming ${sw.from} is not a single line code may rewrite`;
  const slot = extractSlot(p.text);
  if (!slot || fold(slot.value) !== fold(sw.from)) return `${sw.from} is not the entry's whole value`;
  if (NOT_CURRENT.test(slot.subject)) return `the entry's label does not call ${sw.from} current`;
  const line = p.entry.lines[0] ?? "";
  const at = occurrences(line, sw.from);
  if (at.length !== 1 || occurrences(line, sw.to).length)
    return `the entry names ${sw.from} or ${sw.to} more than once`;
  return { p, line, at: at[0] ?? 0 };
}

const MAX_LISTED = 5;

function listed(t: Typed, sw: Switch, holders: readonly Planned[], why: string): ReviewItem {
  const shown = holders.slice(0, MAX_LISTED);
  const more = holders.length > shown.length ? ` (and ${holders.length - shown.length} more)` : "";
  return {
    kind: "contradiction",
    reason: `session ${t.session.id} (message ${t.index}) says "${t.sentence}"; ${shown.map(where).join(", ")}${more} may still say ${sw.from}: ${why}, so code changes nothing`,
    evidence: [
      { source: "session", session: t.session.id, index: t.index, quote: t.sentence },
      ...shown.map(evidenceOf),
    ],
  };
}
