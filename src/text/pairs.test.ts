import { describe, expect, it } from "vitest";
import { PairSet } from "./pairs.ts";
import { lshCandidates, lshPairs } from "./similarity.ts";

/** LSH as first written, buckets keyed by each band's rows as text: what lshPairs must reproduce. */
function byText(signatures: readonly Uint32Array[]): [number, number][] {
  const seen = new Set<string>();
  const out: [number, number][] = [];
  for (let band = 0; band < 16; band++) {
    const buckets = new Map<string, number[]>();
    signatures.forEach((sig, idx) => {
      const key = Array.from(sig.subarray(band * 4, band * 4 + 4)).join(",");
      buckets.set(key, [...(buckets.get(key) ?? []), idx]);
    });
    for (const m of buckets.values()) {
      if (m.length < 2 || m.length > 50) continue;
      for (let x = 0; x < m.length; x++)
        for (let y = x + 1; y < m.length; y++) {
          const key = `${m[x]},${m[y]}`;
          if (!seen.has(key)) out.push([m[x] ?? 0, m[y] ?? 0]);
          seen.add(key);
        }
    }
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe("PairSet", () => {
  it("keeps each pair once, by i then j", () => {
    const s = new PairSet(10);
    for (const [i, j] of [
      [3, 4],
      [0, 9],
      [3, 4],
      [0, 1],
      [2, 3],
    ] as const)
      s.add(i, j);
    expect(s.sorted()).toEqual([
      [0, 1],
      [0, 9],
      [2, 3],
      [3, 4],
    ]);
  });
});

describe("lshPairs", () => {
  it("finds the buckets a Map keyed by the band's text finds, over 50 members skipped", () => {
    // Rows from a few values, so bands collide often; 60 copies of one signature make a boilerplate bucket.
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const sigs = Array.from({ length: 400 }, () => Uint32Array.from({ length: 64 }, () => next() % 3));
    const boiler = Uint32Array.from({ length: 64 }, () => 0xffffffff);
    for (let k = 0; k < 60; k++) sigs.push(boiler);
    const expected = byText(sigs);
    expect(expected.length).toBeGreaterThan(100);
    expect(lshCandidates(sigs)).toEqual(expected);
    const packed = new Uint32Array(sigs.length * 64);
    sigs.forEach((s, k) => {
      packed.set(s, k * 64);
    });
    expect(lshPairs(packed)).toEqual(expected);
  });
});
