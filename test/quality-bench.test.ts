import { describe, expect, it } from "vitest";
import { generateWorld } from "../bench/quality/generator.ts";
import { baselines, cleanup, runDreamd } from "../bench/quality/run.ts";
import { score } from "../bench/quality/scorer.ts";
import { NEAR_JACCARD } from "../src/engine/offline/rules/near-duplicates.ts";
import { containment, contentWords, jaccard } from "../src/text/similarity.ts";

const world = generateWorld({ seed: 7, size: 30, sessions: 20 });

describe("quality benchmark: generator and scorer", () => {
  it("generates the same world for the same seed, and another for another seed", () => {
    expect(JSON.stringify(generateWorld({ seed: 7, size: 30, sessions: 20 }))).toBe(JSON.stringify(world));
    expect(JSON.stringify(generateWorld({ seed: 8, size: 30, sessions: 20 }))).not.toBe(
      JSON.stringify(world),
    );
  });

  it("labels point at the lines they name", () => {
    for (const g of world.labels.dupGroups) {
      for (const m of g.members) expect((world.memory[m.path] ?? "").split("\n")[m.line - 1]).toBe(m.text);
    }
    for (const pair of [...world.labels.hardNegatives, ...world.labels.swapNegatives]) {
      for (const m of pair) expect((world.memory[m.path] ?? "").split("\n")[m.line - 1]).toBe(m.text);
    }
    expect(world.labels.patterns.every((p) => p.sessions >= 3)).toBe(true);
    expect(world.labels.decoys.every((p) => p.sessions < 3)).toBe(true);
  });

  it("fails what should fail: doing nothing, deleting everything, merging hard negatives", () => {
    const noop = score(
      world.labels,
      baselines["no-op"]?.(world) ?? { store: {}, mergedPairs: [], created: [] },
    );
    expect(noop).toMatchObject({
      dedupR: 0,
      currentValue: 0,
      relativeDates: 0,
      patternR: 0,
      survival: 1,
      staleR: 0,
    });
    expect(noop.supersededLeft).toBeGreaterThan(0);
    const wipe = score(world.labels, { store: {}, mergedPairs: [], created: [] });
    expect(wipe).toMatchObject({ survival: 0, currentValue: 0 });
    const key = (i: { path: string; line: number }) => `${i.path}:${i.line}`;
    const reckless = score(world.labels, {
      store: world.memory,
      mergedPairs: world.labels.hardNegatives.map(([a, b]) => [key(a), key(b)]),
      created: [],
    });
    expect(reckless.hardNegativeFalseMerge).toBe(1);
    expect(reckless.dedupP).toBe(0);
    const swapped = score(world.labels, {
      store: world.memory,
      mergedPairs: world.labels.swapNegatives.map(([a, b]) => [key(a), key(b)]),
      created: [],
    });
    expect(swapped.swapFalseMerge).toBe(1);
  });

  it("plants swaps that word overlap alone would merge, so the swap score can fail", () => {
    expect(world.labels.swapNegatives.length).toBeGreaterThan(0);
    for (const [a, b] of world.labels.swapNegatives) {
      const wa = new Set(contentWords(a.text));
      const wb = new Set(contentWords(b.text));
      const small = wa.size <= wb.size ? wa : wb;
      const big = small === wa ? wb : wa;
      expect(jaccard(wa, wb) >= NEAR_JACCARD || containment(small, big) === 1, `${a.text} / ${b.text}`).toBe(
        true,
      );
    }
  });

  it("dreamd meets the targets on a small world", async () => {
    const run = await runDreamd(world);
    const s = score(world.labels, run.outcome);
    await cleanup(run.work);
    expect(s).toMatchObject({
      exactP: 1,
      exactR: 1,
      hardNegativeFalseMerge: 0,
      swapFalseMerge: 0,
      supersededLeft: 0,
      survival: 1,
      relativeDates: 1,
    });
    expect(s.dedupF1).toBeGreaterThanOrEqual(0.95);
    expect(s.currentValue).toBeGreaterThanOrEqual(0.97);
    expect(s.patternP).toBeGreaterThanOrEqual(0.9);
    expect(s.patternR).toBeGreaterThanOrEqual(0.9);
  });
});
