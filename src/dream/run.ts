import { realpath } from "node:fs/promises";
import { resolve } from "node:path";
import { EngineStopped, type Usage } from "../engine/engine.ts";
import { CancelledError, ConfigError, DreamError, errorMessage } from "../errors.ts";
import { newDreamId } from "../proposal/dream-id.ts";
import { redactor } from "../redact.ts";
import { readState, writeState } from "../state/state.ts";
import { consolidate } from "./consolidate.ts";
import type { DreamDeps } from "./deps.ts";
import { assertLayout } from "./layout.ts";
import type { DreamEvent, DreamOptions, DreamResult, DreamRun, Phase } from "./options.ts";
import { orient } from "./orient.ts";
import { output } from "./output.ts";
import { recoverInterrupted, removeSnapshot } from "./recover.ts";

/**
 * One dream: orient (snapshot, read memory and transcripts) → consolidate (engine, then code checks)
 * → output (proposal written beside, never over, the memory). The memory dir is only ever read. Around
 * the phases: the state records the attempt and its outcome, and a failed dream leaves no snapshot.
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
  const run: DreamRun = { opts, deps, dreamId, signal, memoryRoot, state, clock, started, redact };
  let phase: Phase = "orient";
  let proposed = false;
  try {
    emit("orient", "start");
    const oriented = await orient(run);
    const { memory, loaded } = oriented;
    emit("orient", "done", {
      files: memory.notes.length + memory.opaque.length,
      entries: oriented.entries,
      sessions: loaded.sessions.length,
    });

    phase = "consolidate";
    emit("consolidate", "start");
    const consolidated = await consolidate(run, oriented);
    const { accepted, refused, result } = consolidated;
    emit("consolidate", "done", { operations: accepted.length, refused: refused.length });

    phase = "output";
    emit("output", "start");
    signal.throwIfAborted();
    proposed = true;
    const written = await output(run, oriented, consolidated);
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
