import { mkdir, readdir, realpath, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { checkOperations } from "../checks/check-operations.ts";
import { checkInputOf } from "../checks/inputs.ts";
import { type Config, snapshotsDirOf } from "../config.ts";
import { type Engine, EngineStopped, type Usage } from "../engine/engine.ts";
import { CancelledError, ConfigError, DreamError, errorMessage } from "../errors.ts";
import type { TreeFs } from "../fs/safe-tree.ts";
import type { Manifest } from "../manifest.ts";
import { type MemoryStore, readMemory } from "../memory/reader.ts";
import { newDreamId } from "../proposal/dream-id.ts";
import { writeProposal } from "../proposal/writer.ts";
import { redactor } from "../redact.ts";
import { createSnapshot } from "../snapshot/create.ts";
import { ledgerNotes, recordProposal, supersession, viewLedger } from "../state/session-ledger.ts";
import { readState, type State, writeState } from "../state/state.ts";
import { type LoadResult, loadSessions } from "../transcripts/loader.ts";
import type { FormatRegistry } from "../transcripts/registry.ts";

export type Phase = "orient" | "consolidate" | "output";

export interface DreamEvent {
  dreamId: string;
  phase: Phase;
  status: "start" | "done";
  at: string;
  detail?: Record<string, number | string>;
}

export interface DreamOptions {
  memoryDir: string;
  sessionsDir: string;
  proposalsDir: string;
  snapshotsDir: string;
  maxSessions: number;
  maxFileBytes: number;
  maxTranscriptBytes: number;
  /** Share of entries one dream may remove (default 0.25). */
  deletionBudget?: number;
  now: Date;
  dreamId?: string;
  signal?: AbortSignal;
  onEvent?: (e: DreamEvent) => void;
  /** Runs the snapshot and the memory read (e.g. with the agent container paused). */
  freeze?: <T>(fn: () => Promise<T>) => Promise<T>;
  warn?: (msg: string) => void;
  /**
   * dreamd's own secrets (API token, Anthropic key): a library may put one into an error message, and
   * what dreamd writes about a dream (manifest notes and problems, report, state) must never hold one.
   */
  secrets?: readonly string[];
}

/** The part of DreamOptions that comes straight from config. */
export function dreamDirsAndLimits(cfg: Config) {
  return {
    memoryDir: cfg.memoryDir,
    sessionsDir: cfg.sessionsDir,
    proposalsDir: cfg.proposalsDir,
    snapshotsDir: snapshotsDirOf(cfg),
    maxSessions: cfg.maxSessions,
    maxFileBytes: cfg.maxFileBytes,
    maxTranscriptBytes: cfg.maxTranscriptBytes,
    deletionBudget: cfg.deletionBudget,
    secrets: [cfg.apiToken, cfg.anthropicApiKey].filter(Boolean),
  } satisfies Partial<DreamOptions>;
}

export interface DreamDeps {
  engine: Engine;
  registry: FormatRegistry;
  /** Wall clock for durations; `now` in the options is the dream's logical time. */
  clock?: () => number;
  /** File calls of every read of memory and sessions (tests inject failures; see safe-tree). */
  fs?: TreeFs;
}

export interface DreamResult {
  dreamId: string;
  dir: string;
  manifest: Manifest;
}

/**
 * Whoever runs a dream holds the lock, so any half-built proposal left on the volume belongs to a dream
 * whose process died (SIGKILL, OOM, node drained). Remove it and count that dream as failed, so the
 * failure shows in /status and backoff applies; the memory was never touched.
 */
export async function recoverInterrupted(
  proposalsDir: string,
  state: State,
  warn?: (msg: string) => void,
  snapshotsDir?: string,
): Promise<void> {
  const names = await readdir(proposalsDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(".partial-") || n.startsWith(".trash-"))) {
    await rm(join(proposalsDir, name), { recursive: true, force: true });
    warn?.(`removed ${name}: left by an interrupted dream`);
  }
  if (snapshotsDir) {
    // Half-written archives, and the whole snapshot of a dream that died: no proposal refers to it, and
    // on a full disk every retry would leave one more.
    const died = state.lastAttempt?.status === "running" ? state.lastAttempt.dreamId : null;
    for (const name of await readdir(snapshotsDir).catch(() => [] as string[])) {
      if (name.endsWith(".partial") || (died && name.startsWith(`${died}.tar.gz`))) {
        await rm(join(snapshotsDir, name), { force: true });
        warn?.(`removed snapshot ${name}: left by an interrupted dream`);
      }
    }
  }
  if (state.lastAttempt?.status === "running") {
    state.lastAttempt = {
      ...state.lastAttempt,
      status: "failed",
      error: "interrupted: the process died mid-dream",
    };
    state.consecutiveFailures++;
  }
}

async function removeSnapshot(snapshotsDir: string, dreamId: string): Promise<void> {
  for (const suffix of [".tar.gz", ".tar.gz.json", ".tar.gz.partial"]) {
    await rm(join(snapshotsDir, `${dreamId}${suffix}`), { force: true }).catch(() => {});
  }
}

/** The real path of `p`, resolving symlinks in the part of it that exists. */
async function realpathDeep(p: string): Promise<string> {
  const abs = resolve(p);
  const real = await realpath(abs).catch(() => null);
  if (real) return real;
  const parent = dirname(abs);
  return parent === abs ? abs : join(await realpathDeep(parent), basename(abs));
}

/** The memory is never written: refuse output dirs inside it, whatever symlinks lead there. */
export async function assertLayout(
  opts: Pick<DreamOptions, "memoryDir" | "proposalsDir" | "snapshotsDir">,
): Promise<void> {
  const memory = await realpathDeep(opts.memoryDir);
  const outputs: [string, string][] = [
    ["DREAMD_PROPOSALS_DIR (--out)", opts.proposalsDir],
    ["DREAMD_SNAPSHOTS_DIR", opts.snapshotsDir],
  ];
  for (const [name, dir] of outputs) {
    const real = await realpathDeep(dir);
    if (real === memory || real.startsWith(`${memory}${sep}`)) {
      throw new ConfigError(
        `invalid config: ${name} must not be inside DREAMD_MEMORY_DIR (the memory is never written)`,
      );
    }
  }
}

async function readableDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/**
 * One dream: orient (snapshot, read memory and transcripts) → consolidate (engine, then code checks)
 * → output (proposal written beside, never over, the memory). The memory dir is only ever read.
 */
export async function runDream(input: DreamOptions, deps: DreamDeps): Promise<DreamResult> {
  // Manifests record absolute paths: a proposal is read later, from elsewhere.
  const opts: DreamOptions = {
    ...input,
    memoryDir: resolve(input.memoryDir),
    proposalsDir: resolve(input.proposalsDir),
    snapshotsDir: resolve(input.snapshotsDir),
    sessionsDir: input.sessionsDir && resolve(input.sessionsDir),
  };
  const clock = deps.clock ?? Date.now;
  const treeFs = deps.fs ? { fs: deps.fs } : {};
  const started = clock();
  const dreamId = opts.dreamId ?? newDreamId(opts.now);
  const signal = opts.signal ?? new AbortController().signal;
  const emit = (phase: Phase, status: "start" | "done", detail?: DreamEvent["detail"]) =>
    opts.onEvent?.({ dreamId, phase, status, at: new Date().toISOString(), ...(detail ? { detail } : {}) });
  await assertLayout(opts);
  // Kubernetes mounts volumes through symlinks (..data): follow the root itself, never links inside it.
  const memoryRoot = await realpath(opts.memoryDir).catch(() => opts.memoryDir);
  const wallNow = () => new Date(clock()).toISOString();
  const state = await readState(opts.proposalsDir, opts.warn);
  await recoverInterrupted(opts.proposalsDir, state, opts.warn, opts.snapshotsDir);
  // State times are wall-clock times: they drive the gates, whatever logical `now` the dream was given.
  state.lastAttempt = { dreamId, at: wallNow(), status: "running" };
  state.recentStarts.push(wallNow());
  await writeState(opts.proposalsDir, state);
  const record = async (status: "complete" | "failed" | "cancelled", error?: string, usage?: Usage) => {
    const at = wallNow();
    state.lastAttempt = { dreamId, at, status, ...(error ? { error } : {}), ...(usage ? { usage } : {}) };
    if (status === "complete") {
      state.lastSuccess = { dreamId, at };
      state.consecutiveFailures = 0;
    } else if (status === "failed") state.consecutiveFailures++;
    await writeState(opts.proposalsDir, state);
  };

  const redact = redactor(opts.secrets ?? []);
  let phase: Phase = "orient";
  let proposed = false;
  try {
    emit("orient", "start");
    if (!(await readableDir(opts.memoryDir)))
      throw new DreamError(`memory dir ${opts.memoryDir} is not a readable directory`);
    await mkdir(opts.proposalsDir, { recursive: true });
    const freeze = opts.freeze ?? (<T>(fn: () => Promise<T>) => fn());
    const { snapshot, memory } = await freeze(async () => {
      const snapshot = await createSnapshot({
        memoryDir: memoryRoot,
        snapshotsDir: opts.snapshotsDir,
        // The dream id starts with its time already: `20260320T180000Z-c70210.tar.gz`.
        name: dreamId,
        now: opts.now,
        signal,
        ...treeFs,
      });
      const memory: MemoryStore = await readMemory(memoryRoot, {
        maxFileBytes: opts.maxFileBytes,
        signal,
        ...treeFs,
      });
      return { snapshot, memory };
    });
    const baseHashes = new Map(snapshot.files.map((f) => [f.path, f.sha256]));
    for (const n of memory.notes) {
      if (baseHashes.get(n.path) !== n.sha256) {
        throw new DreamError(`${n.path} changed while the snapshot was taken; the next dream will retry`);
      }
    }
    let loaded: LoadResult = { sessions: [], problems: [], read: [], unusable: [], carried: 0, deferred: 0 };
    const ledger = await viewLedger(state, opts.proposalsDir);
    const sessionNotes: string[] = [];
    if (await readableDir(opts.sessionsDir)) {
      loaded = await loadSessions({
        dir: opts.sessionsDir,
        registry: deps.registry,
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
    emit("orient", "done", {
      files: memory.notes.length + memory.opaque.length,
      entries,
      sessions: loaded.sessions.length,
    });

    phase = "consolidate";
    emit("consolidate", "start");
    const result = await deps.engine.consolidate({
      memory,
      sessions: loaded.sessions,
      now: opts.now,
      signal,
    });
    const { accepted, refused } = checkOperations(
      checkInputOf(result.operations, {
        memory,
        sessions: loaded.sessions,
        now: opts.now,
        deletionBudget: opts.deletionBudget,
      }),
    );
    emit("consolidate", "done", { operations: accepted.length, refused: refused.length });

    phase = "output";
    emit("output", "start");
    signal.throwIfAborted();
    proposed = true;
    const written = await writeProposal({
      proposalsDir: opts.proposalsDir,
      dreamId,
      memory,
      operations: accepted,
      baseHashes,
      signal,
      ...treeFs,
      manifest: {
        schemaVersion: 1,
        dreamId,
        createdAt: opts.now.toISOString(),
        engine: { name: deps.engine.name, version: deps.engine.version },
        base: {
          memoryDir: opts.memoryDir,
          snapshot: { path: snapshot.path, sha256: snapshot.sha256, bytes: snapshot.bytes },
          files: snapshot.files,
        },
        sessions: loaded.sessions.map((s) => ({
          id: s.id,
          format: s.format,
          sha256: s.sha256,
          startedAt: s.startedAt,
          messages: s.messages.length,
        })),
        problems: [...memory.problems, ...loaded.problems].map((p) => ({ ...p, error: redact(p.error) })),
        operations: accepted,
        refused,
        notes: [...sessionNotes, ...ledgerNotes(superseding, loaded.carried), ...result.notes].map(redact),
        ...(result.candidates?.length ? { candidates: result.candidates } : {}),
        ...(result.usage ? { usage: result.usage } : {}),
        stats: {
          files: memory.notes.length + memory.opaque.length,
          entries,
          sessions: loaded.sessions.length,
          deferredSessions: loaded.deferred,
          durationMs: clock() - started,
        },
      },
    });
    // Only the lock holder writes state.json, and a discard only removes a directory, which
    // recordProposal lists afresh: no state update is lost to a discard made while this dream ran.
    await recordProposal(state, opts.proposalsDir, {
      dreamId,
      sessions: loaded.sessions.map((s) => ({ path: s.id, sha256: s.sha256 })),
      unusable: loaded.unusable,
      supersedes: superseding.superseded,
    });
    await record("complete", undefined, result.usage);
    emit("output", "done", { dir: written.dir, changed: written.manifest.output.changed.length });
    return { dreamId, ...written };
  } catch (err) {
    // No proposal refers to this dream's snapshot: keeping it would add one archive per failed retry.
    // Once the proposal is being written it may refer to it; then it stays.
    if (!proposed) await removeSnapshot(opts.snapshotsDir, dreamId);
    // An engine stopped part way still reports what it spent.
    const spent = err instanceof EngineStopped ? err.usage : undefined;
    if (signal.aborted) {
      await record("cancelled", undefined, spent).catch(() => {});
      throw new CancelledError(`dream ${dreamId} cancelled during ${phase}`, { cause: err });
    }
    const message = redact(errorMessage(err));
    await record("failed", message, spent).catch(() => {});
    if (err instanceof ConfigError) throw err;
    if (err instanceof DreamError)
      throw message === err.message ? err : new DreamError(message, { cause: err });
    throw new DreamError(`dream ${dreamId} failed during ${phase}: ${message}`, { cause: err });
  }
}
