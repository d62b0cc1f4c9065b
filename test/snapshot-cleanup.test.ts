// Snapshots that no proposal refers to are garbage: a half-written archive left by a kill -9, the whole
// snapshot of a dream that died, and the snapshot of a dream that failed. On a full disk each retry of a
// failing dream used to add one more.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDream } from "../src/dream/run.ts";
import type { Engine } from "../src/engine/engine.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { readState, writeState } from "../src/state/state.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { dreamOptions } from "./fixtures.ts";

let work: string;
const registry = createFormatRegistry();
const failing: Engine = {
  name: "failing",
  version: "0",
  consolidate: async () => {
    throw new Error("engine broke");
  },
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-snapshots-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("snapshots", () => {
  it("are named by the dream id alone, and a failed dream leaves none", async () => {
    const out = join(work, "a");
    const { dreamId } = await runDream(dreamOptions(out), { engine: createOfflineEngine(), registry });
    expect(await readdir(join(out, "snapshots"))).toEqual([`${dreamId}.tar.gz`, `${dreamId}.tar.gz.json`]);
    for (let i = 0; i < 3; i++) {
      await expect(runDream(dreamOptions(out), { engine: failing, registry })).rejects.toThrow(
        /engine broke/,
      );
    }
    // The completed dream's snapshot stays: its proposal refers to it (the rollback point).
    expect(await readdir(join(out, "snapshots"))).toEqual([`${dreamId}.tar.gz`, `${dreamId}.tar.gz.json`]);
  });

  it("left by a killed dream are removed by the next dream, and only those", async () => {
    const out = join(work, "b");
    const { dreamId: kept } = await runDream(dreamOptions(out), { engine: createOfflineEngine(), registry });
    // What a kill -9 leaves: state says running, the archive half written or whole without a proposal.
    const died = "20260320T190000Z-dead01";
    const snaps = join(out, "snapshots");
    await writeFile(join(snaps, `${died}.tar.gz.partial`), "half");
    await writeFile(join(snaps, `${died}.tar.gz`), "whole");
    await writeFile(join(snaps, `${died}.tar.gz.json`), "{}");
    await writeFile(join(snaps, "20260320T170000Z-older1.tar.gz.partial"), "older half");
    const state = await readState(out);
    state.lastAttempt = { dreamId: died, at: new Date().toISOString(), status: "running" };
    await writeState(out, state);
    const warnings: string[] = [];
    // Its own archive, not the first dream's reused (memory is unchanged): both must stay.
    const { dreamId } = await runDream(
      dreamOptions(out, { warn: (m) => warnings.push(m), reuseSnapshot: false }),
      {
        engine: createOfflineEngine(),
        registry,
      },
    );
    expect((await readdir(snaps)).sort()).toEqual(
      [`${kept}.tar.gz`, `${kept}.tar.gz.json`, `${dreamId}.tar.gz`, `${dreamId}.tar.gz.json`].sort(),
    );
    expect(warnings.filter((w) => w.startsWith("removed snapshot"))).toHaveLength(4);
    expect((await readState(out)).lastAttempt).toMatchObject({ dreamId, status: "complete" });
  });
});
