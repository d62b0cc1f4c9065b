import { Worker } from "node:worker_threads";
import type { EngineConfig } from "../engine/index.ts";
import { CancelledError, ConfigError, DreamError, errorMessage } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { DreamExecutor, DreamOutcome } from "./outcome.ts";
import type { ToParent, ToWorker, WorkerInput } from "./worker.ts";

const ERRORS: Record<string, new (message: string) => Error> = {
  CancelledError,
  ConfigError,
  DreamError,
};

// Source or build: the worker is the sibling module with this module's own extension.
const WORKER = new URL(`./worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/**
 * Each dream in its own worker thread, so the server's event loop only serves HTTP: /healthz and the
 * probes answer at once however long a dream computes. The engine is built in the worker from config.
 */
export function createThreadExecutor(engine: EngineConfig, log: Logger): DreamExecutor {
  return (opts) =>
    new Promise<DreamOutcome>((resolve, reject) => {
      const { signal, onEvent, freeze, warn, ...rest } = opts;
      const input: WorkerInput = { options: rest, engine, freeze: Boolean(freeze) };
      const worker = new Worker(WORKER, { workerData: input });
      const send = (m: ToWorker) => worker.postMessage(m);
      let settled = false;
      let thaw: (() => void) | null = null;
      const onAbort = () => {
        const reason = signal?.reason;
        send({ type: "abort", reason: reason instanceof Error ? reason.message : "cancelled" });
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        thaw?.();
        fn();
        void worker.terminate();
      };
      worker.on("message", (m: ToParent) => {
        if (m.type === "event") onEvent?.(m.event);
        else if (m.type === "warn") warn?.(m.message);
        else if (m.type === "log") log[m.level](m.message, m.fields);
        else if (m.type === "freeze" && freeze) {
          let ran = false;
          freeze(() => {
            ran = true;
            send({ type: "frozen" });
            return new Promise<void>((done) => {
              thaw = done;
            });
          }).then(
            () => send({ type: "thawed" }),
            (err: unknown) => send(ran ? { type: "thawed" } : { type: "frozen", error: errorMessage(err) }),
          );
        } else if (m.type === "freeze") send({ type: "frozen" });
        else if (m.type === "thaw") {
          if (thaw) thaw();
          else send({ type: "thawed" });
          thaw = null;
        } else if (m.type === "done") settle(() => resolve(m.result));
        else if (m.type === "failed") {
          const Err = ERRORS[m.name] ?? DreamError;
          settle(() => reject(new Err(m.message)));
        }
      });
      worker.on("error", (err) =>
        settle(() => reject(new DreamError(`dream worker failed: ${err.message}`))),
      );
      worker.on("exit", (code) =>
        settle(() => reject(new DreamError(`dream worker exited (code ${code}) before the dream ended`))),
      );
    });
}
