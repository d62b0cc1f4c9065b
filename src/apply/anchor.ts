import { diffArrays } from "diff";
import type { Change } from "../manifest.ts";

/** Where a change's `before` lines stand in the live file now, or why it cannot be placed. */
export type Anchored = { start: number; end: number; moved: boolean } | { conflict: string };

/**
 * The file as the dream read it, from the proposed store and the changes made to it: every change is in
 * the base's line numbers, so walking them in order puts each `before` back where its `after` stands.
 */
export function baseOf(store: readonly string[], changes: readonly Change[]): string[] {
  const base: string[] = [];
  let at = 0;
  for (const c of [...changes].sort((a, b) => a.startLine - b.startLine)) {
    while (base.length < c.startLine - 1 && at < store.length) base.push(store[at++] as string);
    base.push(...c.before);
    at += c.after.length;
  }
  while (at < store.length) base.push(store[at++] as string);
  return base;
}

/** Base line → live line, for every line the agent left as it was (a diff of the two). 1-based. */
export function lineMap(base: readonly string[], live: readonly string[]): Map<number, number> {
  const map = new Map<number, number>();
  let a = 1;
  let b = 1;
  for (const part of diffArrays([...base], [...live])) {
    const n = part.count ?? part.value.length;
    if (part.added) b += n;
    else if (part.removed) a += n;
    else for (let i = 0; i < n; i++) map.set(a++, b++);
  }
  return map;
}

/**
 * Re-anchor a change against the live file (issue 14): its `before` lines still at their place → there;
 * moved because the agent added or removed lines elsewhere → where the diff of the dream's file and the
 * live one puts them, every line unchanged and still together; changed, gone or split → a conflict with
 * its reason, never a guess by content (a duplicate's two copies read the same: only position tells
 * which one the operation removes).
 */
export function anchor(
  live: readonly string[],
  c: Change,
  map: ReadonlyMap<number, number>,
  baseLength = Number.POSITIVE_INFINITY,
): Anchored {
  if (c.before.length === 0) return insertionPoint(live, c, map, baseLength);
  const at = c.startLine - 1;
  const start = map.get(c.startLine);
  const here = `${c.path}:${c.startLine}-${c.endLine}`;
  if (start === undefined) return { conflict: `${here} changed or is gone since the dream` };
  for (let i = 0; i < c.before.length; i++) {
    if (map.get(c.startLine + i) !== start + i || live[start - 1 + i] !== c.before[i]) {
      return { conflict: `${here} changed or is gone since the dream` };
    }
  }
  return { start, end: start + c.before.length - 1, moved: start - 1 !== at };
}

/**
 * An insertion (a revert putting back removed lines) goes between the same two lines it went between
 * in the file it was made against, when both are unchanged and still next to each other: otherwise the
 * agent has written there, and it is a conflict.
 */
function insertionPoint(
  live: readonly string[],
  c: Change,
  map: ReadonlyMap<number, number>,
  baseLength: number,
): Anchored {
  const prev = c.startLine - 1;
  const next = c.startLine;
  const here = `${c.path}:${c.startLine}`;
  const p = prev === 0 ? 0 : map.get(prev);
  const n = next > baseLength ? live.length + 1 : map.get(next);
  if (p === undefined || n === undefined || n !== p + 1) {
    return { conflict: `${here}: the lines around it changed since, so where it goes is not certain` };
  }
  return { start: p + 1, end: p, moved: p + 1 !== c.startLine };
}
