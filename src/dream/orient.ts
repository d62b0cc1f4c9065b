import { mkdir, stat } from "node:fs/promises";
import { basename } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DreamError } from "../errors.ts";
import { type MemoryStore, readMemory } from "../memory/reader.ts";
import { newestSnapshot, removeSnapshotFiles, seenSince } from "../snapshot/catalog.ts";
import { createSnapshot, type Snapshot } from "../snapshot/create.ts";
import { type Supersession, supersession, viewLedger } from "../state/session-ledger.ts";
import { type LoadResult, loadSessions } from "../transcripts/loader.ts";
import type { DreamRun } from "./options.ts";
import { linesWrittenByDreams } from "./provenance.ts";

/** What a dream knows once oriented: the memory as snapshotted and read, and the transcripts to read. */
export interface Oriented {
  snapshot: Snapshot;
  memory: MemoryStore;
  /** sha256 of every file in the snapshot, by path: the proposal is built against exactly these. */
  baseHashes: Map<string, string>;
  loaded: LoadResult;
  /** The pending proposals this dream reads every transcript of again. */
  superseding: Supersession;
  /** For the manifest: why no transcripts were read, when none were. */
  sessionNotes: string[];
  entries: number;
  /** Lines earlier dreams wrote: no operation of this one removes or rewrites them. */
  written: Set<string>;
  /** Per memory file: the earliest snapshot (ISO time) that holds it as it is now. */
  seen: Map<string, string>;
}

async function readableDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** Snapshot-and-read tries while the agent keeps writing (pauses of 0.2, 0.4, 0.8, 1.6 s between). */
const SNAPSHOT_ATTEMPTS = 5;

/**
 * Orient: snapshot the memory dir and read every note (together, inside `freeze`, so both see one
 * moment), then read the transcripts pending proposals read and the oldest unread ones.
 */
export async function orient(run: DreamRun): Promise<Oriented> {
  const { opts, signal, dreamId, memoryRoot } = run;
  const treeFs = run.deps.fs ? { fs: run.deps.fs } : {};
  if (!(await readableDir(opts.memoryDir)))
    throw new DreamError(`memory dir ${opts.memoryDir} is not a readable directory`);
  await mkdir(opts.proposalsDir, { recursive: true });
  const freeze = opts.freeze ?? (<T>(fn: () => Promise<T>) => fn());
  // A memory byte-identical to the newest snapshot keeps that one: an idle store adds no archive.
  const reuse = opts.reuseSnapshot === false ? null : await newestSnapshot(opts.snapshotsDir);
  const take = () =>
    freeze(async () => {
      const snapshot = await createSnapshot({
        memoryDir: memoryRoot,
        snapshotsDir: opts.snapshotsDir,
        // The dream id starts with its time already: `20260320T180000Z-c70210.tar.gz`.
        name: dreamId,
        now: opts.now,
        signal,
        ...treeFs,
        ...(reuse ? { reuse } : {}),
      });
      const memory: MemoryStore = await readMemory(memoryRoot, {
        maxFileBytes: opts.maxFileBytes,
        signal,
        ...treeFs,
      });
      return { snapshot, memory };
    });
  /** A note the agent wrote between the snapshot and the read: the two do not show one moment. */
  const moved = (t: Awaited<ReturnType<typeof take>>) => {
    const baseHashes = new Map(t.snapshot.files.map((f) => [f.path, f.sha256]));
    return t.memory.notes.find((n) => baseHashes.get(n.path) !== n.sha256) ?? null;
  };
  // An agent at work writes now and then: take both again a few times before giving up on this dream.
  let taken = await take();
  for (let attempt = 1; moved(taken) && attempt < SNAPSHOT_ATTEMPTS; attempt++) {
    if (taken.snapshot.path !== reuse)
      await removeSnapshotFiles(opts.snapshotsDir, basename(taken.snapshot.path));
    await sleep(100 * 2 ** attempt, undefined, { signal });
    taken = await take();
  }
  const changed = moved(taken);
  if (changed) {
    throw new DreamError(
      `${changed.path} changed while the snapshot was taken (${SNAPSHOT_ATTEMPTS} tries); the next dream will retry`,
    );
  }
  const { snapshot, memory } = taken;
  const baseHashes = new Map(snapshot.files.map((f) => [f.path, f.sha256]));
  let loaded: LoadResult = { sessions: [], problems: [], read: [], unusable: [], carried: 0, deferred: 0 };
  const ledger = await viewLedger(run.state, opts.proposalsDir);
  const sessionNotes: string[] = [];
  if (await readableDir(opts.sessionsDir)) {
    loaded = await loadSessions({
      dir: opts.sessionsDir,
      registry: run.deps.registry,
      maxSessions: opts.maxSessions,
      maxBytes: opts.maxTranscriptBytes,
      ledger,
      signal,
      ...treeFs,
    });
  } else if (opts.sessionsDir) {
    sessionNotes.push(`sessions dir ${opts.sessionsDir} not found: no transcripts read`);
  }
  const superseding = supersession(ledger, loaded.read);
  const entries = memory.notes.reduce((n, f) => n + f.parsed.entries.length, 0);
  const written = await linesWrittenByDreams(opts.proposalsDir);
  const seen = await seenSince(opts.snapshotsDir, baseHashes);
  return { snapshot, memory, baseHashes, loaded, superseding, sessionNotes, entries, written, seen };
}
