import { BusyError, CancelledError, errorMessage } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { newDreamId } from "../proposal/dream-id.ts";
import type { DreamDeps } from "./deps.ts";
import type { DreamLock, LockInfo } from "./lock.ts";
import type { DreamEvent, DreamOptions, Phase } from "./options.ts";
import { type DreamExecutor, type DreamOutcome, outcomeOf } from "./outcome.ts";
import { runDream } from "./run.ts";

export type RunnerEvent =
  | { type: "phase"; data: DreamEvent }
  | {
      type: "dream";
      data: {
        dreamId: string;
        status: "started" | "complete" | "failed" | "cancelled";
        error?: string;
        dir?: string;
        snapshotBytes?: number;
        operations?: number;
        refused?: number;
      };
    };

export interface RunnerStatus {
  state: "idle" | "running";
  current: { dreamId: string; phase: Phase | null; startedAt: string } | null;
}

/** Single-flight dream execution with cancel and an event feed (for SSE and logs). */
export interface DreamRunner {
  status(): RunnerStatus;
  /** Start a dream now; throws BusyError while one runs here or another dreamd holds the lock. */
  /** `instructions` replace the configured ones (DREAMD_INSTRUCTIONS) for this dream; "" gives none. */
  start(opts?: {
    now?: Date;
    instructions?: string;
  }): Promise<{ dreamId: string; done: Promise<DreamOutcome | null> }>;
  /** True when `dreamId` was running and has been asked to stop. */
  cancel(dreamId: string): boolean;
  subscribe(fn: (e: RunnerEvent) => void): () => void;
  /** Cancel whatever runs and wait for it to settle. */
  shutdown(): Promise<void>;
}

export interface RunnerDeps extends DreamDeps {
  options: Omit<DreamOptions, "now" | "dreamId" | "signal" | "onEvent">;
  now: () => Date;
  log: Logger;
  /** Runs one dream; default: runDream in this thread with `engine` and `registry`. */
  execute?: DreamExecutor;
  /** After a complete dream, still under its lock (DREAMD_AUTONOMY's automatic apply). */
  afterDream?: (dreamId: string) => Promise<void>;
  /** Then, still under the lock: retention (DREAMD_KEEP_DREAMS, DREAMD_KEEP_DAYS). */
  retain?: () => Promise<void>;
  /** The cross-container lock; `onLost` must stop the dream. Absent: this process is the only dreamer. */
  lock?: (onLost: (by: LockInfo | null) => void) => DreamLock;
}

export function createDreamRunner(deps: RunnerDeps): DreamRunner {
  const listeners = new Set<(e: RunnerEvent) => void>();
  let current: {
    dreamId: string;
    phase: Phase | null;
    startedAt: string;
    abort: AbortController;
    done: Promise<unknown>;
  } | null = null;
  const emit = (e: RunnerEvent) => {
    for (const fn of listeners) {
      try {
        fn(e);
      } catch (err) {
        deps.log.warn("event listener failed", { error: errorMessage(err) });
      }
    }
  };
  return {
    status: () => ({
      state: current ? "running" : "idle",
      current: current
        ? { dreamId: current.dreamId, phase: current.phase, startedAt: current.startedAt }
        : null,
    }),
    async start(opts = {}) {
      if (current) throw new BusyError(`dream ${current.dreamId} is already running`);
      const now = opts.now ?? deps.now();
      const dreamId = newDreamId(now);
      const abort = new AbortController();
      const run = {
        dreamId,
        phase: null as Phase | null,
        startedAt: deps.now().toISOString(),
        abort,
        done: Promise.resolve() as Promise<unknown>,
      };
      // Claimed before the first await, so two concurrent starts cannot both pass the check above.
      current = run;
      const lock = deps.lock?.((by) => {
        deps.log.error("dream lock lost; stopping the dream", { dreamId, holder: by?.holder });
        abort.abort(new CancelledError(`lock taken over by ${by?.holder ?? "another dreamd"}`));
      });
      try {
        const held = await lock?.tryAcquire(dreamId);
        if (held) throw new BusyError(`another dreamd (${held.holder}) is running dream ${held.dreamId}`);
      } catch (err) {
        current = null;
        throw err;
      }
      emit({ type: "dream", data: { dreamId, status: "started" } });
      deps.log.info("dream started", { dreamId });
      const execute: DreamExecutor = deps.execute ?? (async (o) => outcomeOf(await runDream(o, deps)));
      const done = execute({
        ...deps.options,
        ...(opts.instructions !== undefined ? { instructions: opts.instructions } : {}),
        now,
        dreamId,
        signal: abort.signal,
        onEvent: (e) => {
          run.phase = e.phase;
          deps.log.info(`phase ${e.phase} ${e.status}`, { dreamId, ...e.detail });
          emit({ type: "phase", data: e });
        },
      })
        .then(async (r) => {
          deps.log.info("dream complete", { dreamId, dir: r.dir, operations: r.operations });
          await deps.afterDream?.(dreamId).catch((err: unknown) =>
            deps.log.warn("automatic apply failed; the proposal waits for review", {
              dreamId,
              error: errorMessage(err),
            }),
          );
          await deps
            .retain?.()
            .catch((err: unknown) =>
              deps.log.warn("retention failed; nothing more was removed", { error: errorMessage(err) }),
            );
          emit({
            type: "dream",
            data: {
              dreamId,
              status: "complete",
              dir: r.dir,
              snapshotBytes: r.snapshotBytes,
              operations: r.operations,
              refused: r.refused,
            },
          });
          return r;
        })
        .catch((err: unknown) => {
          const status = err instanceof CancelledError ? "cancelled" : "failed";
          deps.log[status === "failed" ? "error" : "warn"](`dream ${status}`, {
            dreamId,
            error: errorMessage(err),
          });
          emit({ type: "dream", data: { dreamId, status, error: errorMessage(err) } });
          return null;
        })
        .finally(async () => {
          await lock
            ?.release()
            .catch((err: unknown) => deps.log.warn("lock release failed", { error: errorMessage(err) }));
          current = null;
        });
      run.done = done;
      return { dreamId, done };
    },
    cancel(dreamId) {
      if (!current || current.dreamId !== dreamId) return false;
      current.abort.abort(new CancelledError("cancelled by request"));
      return true;
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async shutdown() {
      const c = current;
      if (!c) return;
      c.abort.abort(new CancelledError("shutting down"));
      await c.done;
    },
  };
}
