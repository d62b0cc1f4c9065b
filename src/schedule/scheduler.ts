import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { DreamRunner } from "../dream/runner.ts";
import { BusyError, errorMessage } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { State } from "../state/state.ts";
import type { GateChecker } from "./gates.ts";

/** What the scheduler last decided and why: shown in /status. */
export interface Decision {
  at: string;
  action: "started" | "waiting" | "idle";
  reason: string;
  trigger: string;
  dreamId?: string;
}

export interface Scheduler {
  start(): void;
  stop(): void;
  /** Decide now (interval, file change, or a test). */
  tick(trigger: string): Promise<Decision>;
  last(): Decision | null;
}

export interface SchedulerDeps {
  runner: DreamRunner;
  gates: GateChecker;
  readState(): Promise<State>;
  /** Newest mtime under the memory dir, ms; null when empty. */
  lastWrite(): Promise<number | null>;
  now(): Date;
  log: Logger;
  cfg: Pick<Config, "quietSeconds" | "checkIntervalSeconds" | "maxDreamsPerHour" | "backoffSeconds">;
  /** Subscribe to file changes; returns an unsubscribe. Without it only the interval triggers. */
  watch?: (onChange: () => void) => () => void;
}

const HOUR = 3_600_000;
const MAX_BACKOFF_MS = 6 * HOUR;

/** Newest mtime of anything under `dir` (a delete shows as its directory's mtime). */
export async function newestMtime(dir: string): Promise<number | null> {
  let newest: number | null = null;
  const visit = async (d: string): Promise<void> => {
    const st = await lstat(d).catch(() => null);
    if (!st) return;
    newest = Math.max(newest ?? 0, st.mtimeMs);
    if (!st.isDirectory()) return;
    for (const name of await readdir(d).catch(() => [] as string[])) await visit(join(d, name));
  };
  await visit(dir);
  return newest;
}

/**
 * Automatic dreams. Checks, cheapest first: a dream already running, the circuit breaker (dreams started
 * in the last hour), failure backoff, the time and session gates, and the quiet period (no memory write
 * for `quietSeconds`, so a snapshot never catches the agent mid-write). Then it asks the runner, which
 * takes the cross-container lock; a held lock means wait for the next check.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  let last: Decision | null = null;
  let timer: NodeJS.Timeout | null = null;
  let quietTimer: NodeJS.Timeout | null = null;
  let unwatch: (() => void) | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let inFlight: Promise<Decision> | null = null;

  const decide = async (trigger: string): Promise<Decision> => {
    const now = deps.now();
    const at = now.toISOString();
    const d = (action: Decision["action"], reason: string, extra: Partial<Decision> = {}): Decision => ({
      at,
      action,
      reason,
      trigger,
      ...extra,
    });
    if (deps.runner.status().state === "running") return d("idle", "a dream is running");
    const state = await deps.readState();
    const recent = state.recentStarts.filter((t) => now.getTime() - Date.parse(t) < HOUR);
    if (recent.length >= deps.cfg.maxDreamsPerHour) {
      return d(
        "waiting",
        `circuit breaker open: ${recent.length} dreams started in the last hour (max ${deps.cfg.maxDreamsPerHour})`,
      );
    }
    const failures = state.consecutiveFailures;
    if (failures > 0 && state.lastAttempt) {
      const wait = Math.min(deps.cfg.backoffSeconds * 1000 * 2 ** (failures - 1), MAX_BACKOFF_MS);
      const until = Date.parse(state.lastAttempt.at) + wait;
      if (now.getTime() < until) {
        return d(
          "waiting",
          `backing off after ${failures} failed dream(s) until ${new Date(until).toISOString()}`,
        );
      }
    }
    const gates = await deps.gates.check(state, now, { lazy: true });
    if (!gates.due) {
      return d(
        "idle",
        `gates not met: ${gates.hoursSinceLast?.toFixed(1) ?? "∞"} h since last dream, ${gates.sessionsSinceLast ?? "?"} new sessions`,
      );
    }
    const written = await deps.lastWrite();
    const quietMs = deps.cfg.quietSeconds * 1000;
    if (written !== null && now.getTime() - written < quietMs) {
      const wait = written + quietMs - now.getTime();
      if (timer && !quietTimer) {
        quietTimer = setTimeout(() => {
          quietTimer = null;
          void tick("quiet period over");
        }, wait + 50);
        quietTimer.unref();
      }
      return d(
        "waiting",
        `memory written ${((now.getTime() - written) / 1000).toFixed(0)} s ago; quiet period is ${deps.cfg.quietSeconds} s`,
      );
    }
    try {
      const { dreamId } = await deps.runner.start();
      return d("started", gates.timeGate ? "time gate met" : "session gate met", { dreamId });
    } catch (err) {
      if (err instanceof BusyError) return d("waiting", err.message);
      throw err;
    }
  };

  const tick = async (trigger: string): Promise<Decision> => {
    if (inFlight) return inFlight;
    inFlight = decide(trigger)
      .catch((err: unknown) => ({
        at: deps.now().toISOString(),
        action: "waiting" as const,
        reason: `check failed: ${errorMessage(err)}`,
        trigger,
      }))
      .then((decision) => {
        if (decision.action === "started" || decision.reason !== last?.reason) {
          deps.log[decision.action === "started" ? "info" : "debug"]("scheduler", { ...decision });
        }
        last = decision;
        return decision;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => void tick("interval"), deps.cfg.checkIntervalSeconds * 1000);
      timer.unref();
      unwatch =
        deps.watch?.(() => {
          if (debounce) clearTimeout(debounce);
          debounce = setTimeout(() => void tick("file change"), 1000);
          debounce.unref();
        }) ?? null;
      void tick("start");
    },
    stop() {
      for (const t of [timer, quietTimer, debounce]) if (t) clearTimeout(t);
      timer = quietTimer = debounce = null;
      unwatch?.();
      unwatch = null;
    },
    tick,
    last: () => last,
  };
}
