// Structural harm of a proposal, computed from the input tree and the proposed tree alone.
import { posix } from "node:path";
import { diffArrays } from "diff";
import { linksOf, structureOf, tagBalance } from "./structure.ts";

export interface Harm {
  /** Lines removed or changed inside code, tables, html blocks or blockquotes. */
  editsInBlocks: number;
  /** Lines whose inline code spans changed. */
  editsInInlineCode: number;
  /** Headings that had something under them and now have nothing. */
  headingsEmptied: number;
  /** Paragraphs ending in ":" that introduced a list and no longer do. */
  leadInsOrphaned: number;
  /** Lead-ins removed while the list they introduced stays (its first item is still in the note). */
  leadInsRemoved: number;
  /** Tag names whose open/close balance changed. */
  tagsUnbalanced: number;
  /** Index lines (MEMORY.md, _index.md, index.md) removed while the file they link to still exists. */
  indexLinesRemoved: number;
}

export const emptyHarm = (): Harm => ({
  editsInBlocks: 0,
  editsInInlineCode: 0,
  headingsEmptied: 0,
  leadInsOrphaned: 0,
  leadInsRemoved: 0,
  tagsUnbalanced: 0,
  indexLinesRemoved: 0,
});

const INDEX = /(^|\/)(MEMORY|_index|index)\.md$/i;

const lines = (s: string) => s.split("\n");

/** Removed input lines (1-based) and pairs (old line → new line) of lines changed in place. */
function changes(before: string, after: string): { removed: number[]; changed: [number, number][] } {
  const parts = diffArrays(lines(before), lines(after));
  const removed: number[] = [];
  const changed: [number, number][] = [];
  let a = 1;
  let b = 1;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (!p) continue;
    const n = p.count ?? p.value.length;
    if (!p.added && !p.removed) {
      a += n;
      b += n;
      continue;
    }
    if (p.removed) {
      const next = parts[i + 1];
      const added = next?.added ? (next.count ?? next.value.length) : 0;
      for (let k = 0; k < n; k++) {
        if (k < added) changed.push([a + k, b + k]);
        else removed.push(a + k);
      }
      a += n;
      if (added) {
        b += added;
        i++;
      }
      continue;
    }
    b += n;
  }
  return { removed, changed };
}

/** Harm done to one file (`after` null: the file was removed). `exists` says whether a store path exists after. */
export function fileHarm(
  path: string,
  before: string,
  after: string | null,
  exists: (p: string) => boolean,
): Harm {
  const h = emptyHarm();
  const s0 = structureOf(before);
  const afterText = after ?? "";
  const { removed, changed } = changes(before, afterText);
  // A block removed whole (a section written twice, taken with its tables and code) is not an edit
  // inside it; a line removed from a block that partly stays is.
  const gone = new Set(removed);
  const run = (l: number, step: number) => {
    let k = l;
    while (s0.blockProtected.has(k + step)) k += step;
    return k;
  };
  for (const l of removed) {
    if (!s0.blockProtected.has(l)) continue;
    let whole = true;
    for (let k = run(l, -1); k <= run(l, 1) && whole; k++) whole = gone.has(k);
    if (!whole) h.editsInBlocks++;
  }
  const after1 = lines(afterText);
  const s1 = after === null ? null : structureOf(afterText);
  for (const [l, m] of changed) {
    if (s0.blockProtected.has(l)) {
      h.editsInBlocks++;
      continue;
    }
    const was = s0.inlineCode.get(l);
    if (was?.length) {
      const now = s1?.inlineCode.get(m) ?? [];
      const line = after1[m - 1] ?? "";
      if (was.some((c) => !now.includes(c) && !line.includes(c))) h.editsInInlineCode++;
    }
  }
  if (s1) {
    // Counted as multisets: a note may hold two headings of the same text, one of them already empty.
    h.headingsEmptied = grown(
      s0.headings.filter((x) => !x.hasContent).map((x) => x.key),
      s1.headings.filter((x) => !x.hasContent).map((x) => x.key),
    );
    // By count, not text: a lead-in whose relative date was made absolute is still the same lead-in.
    const without = (s: typeof s0) => s.leadIns.filter((x) => !x.listFollows).length;
    h.leadInsOrphaned = Math.max(0, without(s1) - without(s0));
    // A lead-in gone while its list stays, read off the diff: the list now reads as another's.
    h.leadInsRemoved = s0.leadIns.filter(
      (x) => x.list.length && x.lines.every((l) => gone.has(l)) && !x.list.every((l) => gone.has(l)),
    ).length;
    const t0 = tagBalance(before);
    const t1 = tagBalance(afterText);
    for (const name of new Set([...t0.keys(), ...t1.keys()])) {
      if ((t0.get(name) ?? 0) !== (t1.get(name) ?? 0)) h.tagsUnbalanced++;
    }
  }
  if (INDEX.test(path)) {
    const dir = posix.dirname(path);
    const keptTargets = new Set(after === null ? [] : linksOf(afterText).map((x) => x.target));
    for (const link of linksOf(before)) {
      const target = posix.normalize(posix.join(dir, link.target));
      if (!keptTargets.has(link.target) && exists(target)) h.indexLinesRemoved++;
    }
  }
  return h;
}

/** How many more times keys occur in `after` than in `before`. */
function grown(before: readonly string[], after: readonly string[]): number {
  const n = new Map<string, number>();
  for (const k of before) n.set(k, (n.get(k) ?? 0) + 1);
  let more = 0;
  for (const k of after) {
    const left = n.get(k) ?? 0;
    if (left > 0) n.set(k, left - 1);
    else more++;
  }
  return more;
}

export function addHarm(a: Harm, b: Harm): Harm {
  const out = emptyHarm();
  for (const k of Object.keys(out) as (keyof Harm)[]) out[k] = a[k] + b[k];
  return out;
}
