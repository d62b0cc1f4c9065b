/**
 * A dream in a worker thread. Consolidating 100k entries is seconds of synchronous work; on the server's
 * thread it starved /healthz for 10 s, long enough for a liveness probe to kill the pod mid-dream.
 * The parent (thread.ts) sends the serialisable options; callbacks travel as messages.
 */
import { readdirSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { EngineConfig } from "../engine/index.ts";
import { CancelledError, DreamError, errorMessage } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { createDreamDeps } from "./deps.ts";
import type { DreamOptions } from "./options.ts";
import { type DreamOutcome, outcomeOf } from "./outcome.ts";
import { runDream } from "./run.ts";

export interface WorkerInput {
  options: Omit<DreamOptions, "signal" | "onEvent" | "freeze" | "warn">;
  engine: EngineConfig;
  /** The parent pauses the agent around snapshot and read (DREAMD_DOCKER_PAUSE_AGENT). */
  freeze: boolean;
}

export type ToParent =
  | { type: "event"; event: Parameters<NonNullable<DreamOptions["onEvent"]>>[0] }
  | { type: "warn"; message: string }
  | { type: "log"; level: keyof Logger; message: string; fields?: Record<string, unknown> }
  | { type: "freeze" }
  | { type: "thaw" }
  | { type: "done"; result: DreamOutcome }
  | { type: "failed"; name: string; message: string };

export type ToWorker =
  | { type: "abort"; reason: string }
  /** The agent is paused, or could not be (`error`): the dream fails then, as it would in one thread. */
  | { type: "frozen"; error?: string }
  | { type: "thawed" };

/**
 * A dream is background work: on Linux each thread has its own nice value, so lower every thread of the
 * process but the server's (this one, the thread pool compressing the snapshot, V8's threads marking
 * the dream's heap) and the server's thread wins the CPU whenever it wants it (a pod's CPU limit is
 * often one core or less). Called again once the dream has started the pool's threads.
 */
function yieldCpuToTheServer(): void {
  try {
    for (const task of readdirSync("/proc/self/task")) {
      const tid = Number(task);
      // The process id is the main thread's: the one that serves HTTP keeps its priority.
      if (Number.isInteger(tid) && tid !== process.pid) setPriority(tid, 10);
    }
  } catch {
    // Not Linux, or not permitted: the dream still runs off the server's thread.
  }
}

if (parentPort) {
  yieldCpuToTheServer();
  const port = parentPort;
  const input = workerData as WorkerInput;
  const send = (m: ToParent) => port.postMessage(m);
  const abort = new AbortController();
  const waiters = new Map<string, (m: ToWorker) => void>();
  const next = (type: "frozen" | "thawed") => new Promise<ToWorker>((resolve) => waiters.set(type, resolve));
  port.on("message", (m: ToWorker) => {
    if (m.type === "abort") abort.abort(new CancelledError(m.reason));
    else waiters.get(m.type)?.(m);
  });
  const log: Logger = {
    debug: (message, fields) => send({ type: "log", level: "debug", message, ...(fields ? { fields } : {}) }),
    info: (message, fields) => send({ type: "log", level: "info", message, ...(fields ? { fields } : {}) }),
    warn: (message, fields) => send({ type: "log", level: "warn", message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => send({ type: "log", level: "error", message, ...(fields ? { fields } : {}) }),
  };
  const freeze = async <T>(fn: () => Promise<T>): Promise<T> => {
    const frozen = next("frozen");
    send({ type: "freeze" });
    const reply = await frozen;
    if (reply.type === "frozen" && reply.error) throw new DreamError(reply.error);
    try {
      return await fn();
    } finally {
      const thawed = next("thawed");
      send({ type: "thaw" });
      await thawed;
    }
  };
  const options: DreamOptions = {
    ...input.options,
    now: new Date(input.options.now),
    signal: abort.signal,
    onEvent: (event) => {
      // The pool's threads start on the dream's first file reads and compressions.
      yieldCpuToTheServer();
      send({ type: "event", event });
    },
    warn: (message) => send({ type: "warn", message }),
    ...(input.freeze ? { freeze } : {}),
  };
  createDreamDeps(input.engine, log)
    .then((deps) => runDream(options, deps))
    .then(
      (result) => send({ type: "done", result: outcomeOf(result) }),
      (err: unknown) =>
        send({ type: "failed", name: err instanceof Error ? err.name : "Error", message: errorMessage(err) }),
    );
}
