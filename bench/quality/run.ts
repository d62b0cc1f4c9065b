import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { DreamResult } from "../../src/dream/options.ts";
import { runDream } from "../../src/dream/run.ts";
import type { Engine } from "../../src/engine/engine.ts";
import { createOfflineEngine } from "../../src/engine/offline/engine.ts";
import { walk } from "../../src/fs/walk.ts";
import type { Evidence } from "../../src/manifest.ts";
import { parseEntries } from "../../src/memory/entries.ts";
import { contentWords, jaccard, lshCandidates, minhash } from "../../src/text/similarity.ts";
import { createFormatRegistry } from "../../src/transcripts/registry.ts";
import type { World } from "./generator.ts";
import type { Outcome } from "./scorer.ts";

async function writeAll(
  root: string,
  files: Record<string, string>,
  order: string[],
  baseMs: number,
): Promise<void> {
  for (const [i, path] of order.entries()) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), files[path] ?? "");
    const t = new Date(baseMs + i * 1000);
    await utimes(join(root, path), t, t);
  }
}

export async function readTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await walk(root)) out[f.path] = await readFile(f.abs, "utf8");
  return out;
}

export interface DreamdRun {
  outcome: Outcome;
  result: DreamResult;
  work: string;
}

/** Dreamd end to end on a world written to disk; `shuffle` reverses write order and mtimes. */
/** Write a world to `<work>/memory` and `<work>/sessions`; `shuffle` reverses write order and mtimes. */
export async function writeWorld(world: World, work: string, shuffle = false): Promise<void> {
  const mem = Object.keys(world.memory).sort();
  const ses = Object.keys(world.sessions).sort();
  await writeAll(join(work, "memory"), world.memory, shuffle ? mem.reverse() : mem, Date.UTC(2026, 2, 1));
  await writeAll(join(work, "sessions"), world.sessions, shuffle ? ses.reverse() : ses, Date.UTC(2026, 2, 1));
}

/** `path:line` of each memory quote, the way the scorer names entries. */
const memoryKeys = (evidence: readonly Evidence[]) =>
  evidence.flatMap((e) => (e.source === "memory" ? [`${e.path}:${e.line}`] : []));

/** Dreamd end to end on a world written to disk. */
export async function runDreamd(
  world: World,
  opts: { shuffle?: boolean; work?: string; engine?: Engine; deletionBudget?: number } = {},
): Promise<DreamdRun> {
  const work = opts.work ?? (await mkdtemp(join(tmpdir(), "dreamd-quality-")));
  await writeWorld(world, work, opts.shuffle);
  const result = await runDream(
    {
      memoryDir: join(work, "memory"),
      sessionsDir: join(work, "sessions"),
      proposalsDir: join(work, "out"),
      snapshotsDir: join(work, "out", "snapshots"),
      maxSessions: 100,
      maxFileBytes: 16 << 20,
      maxTranscriptBytes: 32 << 20,
      now: new Date("2026-06-01T00:00:00Z"),
      ...(opts.deletionBudget === undefined ? {} : { deletionBudget: opts.deletionBudget }),
    },
    { engine: opts.engine ?? createOfflineEngine(), registry: createFormatRegistry() },
  );
  const store = await readTree(join(result.dir, "store"));
  const mergedPairs: [string, string][] = [];
  for (const op of result.manifest.operations.filter((o) => o.kind === "merge")) {
    const keys = memoryKeys(op.evidence);
    for (let i = 0; i < keys.length; i++)
      for (let j = i + 1; j < keys.length; j++) mergedPairs.push([keys[i] ?? "", keys[j] ?? ""]);
  }
  const created = result.manifest.operations
    .filter((o) => o.kind === "create")
    .map((o) => ({
      path: o.changes[0]?.path ?? "",
      sessions: new Set(o.evidence.flatMap((e) => (e.source === "session" ? [e.session] : []))).size,
    }));
  const candidatePairs = (result.manifest.candidates ?? []).map((c) => {
    const [a = "", b = ""] = memoryKeys(c.evidence);
    return [a, b] as [string, string];
  });
  const review = (result.manifest.review ?? []).map((r) => ({
    sessionQuotes: r.evidence.flatMap((e) => (e.source === "session" ? [e.quote] : [])),
    memoryQuotes: r.evidence.flatMap((e) => (e.source === "memory" ? [e.quote] : [])),
  }));
  return { outcome: { store, mergedPairs, created, candidatePairs, review }, result, work };
}

export async function cleanup(work: string): Promise<void> {
  await rm(work, { recursive: true, force: true });
}

/** A baseline that removes every entry `dup(i, j)` says duplicates an earlier kept one. */
function removeDuplicates(world: World, dupKey: (text: string) => string | null, near?: number): Outcome {
  const entries = Object.keys(world.memory)
    .sort()
    .flatMap((path) =>
      parseEntries(path, world.memory[path] ?? "").entries.map((e) => ({
        path,
        line: e.startLine,
        end: e.endLine,
        text: e.lines.join("\n"),
      })),
    );
  const removed = new Set<number>();
  const mergedPairs: [string, string][] = [];
  const k = (i: number) => `${entries[i]?.path}:${entries[i]?.line}`;
  if (near === undefined) {
    const first = new Map<string, number>();
    entries.forEach((e, i) => {
      const key = dupKey(e.text);
      if (key === null) return;
      const f = first.get(key);
      if (f === undefined) first.set(key, i);
      else {
        removed.add(i);
        mergedPairs.push([k(f), k(i)]);
      }
    });
  } else {
    const words = entries.map((e) => new Set(contentWords(e.text)));
    for (const [i, j] of lshCandidates(words.map((w) => minhash(w)))) {
      if (removed.has(i) || removed.has(j)) continue;
      if (jaccard(words[i] ?? new Set(), words[j] ?? new Set()) < near) continue;
      removed.add(j);
      mergedPairs.push([k(i), k(j)]);
    }
  }
  const store: Record<string, string> = {};
  for (const [path, text] of Object.entries(world.memory)) {
    const lines = text.split("\n");
    const drop = new Set<number>();
    entries.forEach((e, i) => {
      if (removed.has(i) && e.path === path) for (let l = e.line; l <= e.end; l++) drop.add(l);
    });
    store[path] = lines.filter((_, i) => !drop.has(i + 1)).join("\n");
  }
  return { store, mergedPairs, created: [] };
}

export const baselines: Record<string, (w: World) => Outcome> = {
  "no-op": (w) => ({ store: { ...w.memory }, mergedPairs: [], created: [] }),
  "exact-hash": (w) => removeDuplicates(w, (t) => t.trim()),
  "minhash-0.9": (w) => removeDuplicates(w, () => null, 0.9),
};
