import { describe, expect, it } from "vitest";
import type { DreamRunner } from "../dream/runner.ts";
import { BusyError } from "../errors.ts";
import { silentLogger } from "../logger.ts";
import { emptyState, type State } from "../state/state.ts";
import type { GateChecker, Gates } from "./gates.ts";
import { createScheduler } from "./scheduler.ts";

const NOW = new Date("2026-03-20T12:00:00Z");
const due: Gates = {
  hoursSinceLast: null,
  sessionsSinceLast: 6,
  timeGate: true,
  sessionGate: true,
  due: true,
};

function setup(
  over: {
    state?: Partial<State>;
    gates?: Gates;
    lastWrite?: number | null;
    busy?: string;
    running?: boolean;
  } = {},
) {
  const started: string[] = [];
  const runner = {
    status: () => ({ state: over.running ? "running" : "idle", current: null }),
    async start() {
      if (over.busy) throw new BusyError(over.busy);
      started.push("d");
      return { dreamId: "20260320T120000Z-abcdef", done: Promise.resolve(null) };
    },
  } as unknown as DreamRunner;
  const gates: GateChecker = { check: async () => over.gates ?? due };
  const scheduler = createScheduler({
    runner,
    gates,
    readState: async () => ({ ...emptyState(), ...over.state }),
    lastWrite: async () => (over.lastWrite === undefined ? NOW.getTime() - 3_600_000 : over.lastWrite),
    now: () => NOW,
    log: silentLogger,
    cfg: { quietSeconds: 60, checkIntervalSeconds: 60, maxDreamsPerHour: 4, backoffSeconds: 300 },
  });
  return { scheduler, started };
}

describe("scheduler", () => {
  it("starts a dream when the gates are met and the memory is quiet", async () => {
    const { scheduler, started } = setup();
    expect(await scheduler.tick("test")).toMatchObject({ action: "started", reason: "time gate met" });
    expect(started).toHaveLength(1);
    expect(scheduler.last()?.dreamId).toBe("20260320T120000Z-abcdef");
  });

  it("does nothing while the gates are not met", async () => {
    const { scheduler, started } = setup({
      gates: { hoursSinceLast: 2, sessionsSinceLast: 1, timeGate: false, sessionGate: false, due: false },
    });
    expect(await scheduler.tick("test")).toMatchObject({
      action: "idle",
      reason: "gates not met: 2.0 h since last dream, 1 new sessions",
    });
    expect(started).toEqual([]);
  });

  it("waits out the quiet period after a memory write", async () => {
    const { scheduler, started } = setup({ lastWrite: NOW.getTime() - 10_000 });
    expect(await scheduler.tick("test")).toMatchObject({
      action: "waiting",
      reason: "memory written 10 s ago; quiet period is 60 s",
    });
    expect(started).toEqual([]);
  });

  it("opens the circuit breaker after maxDreamsPerHour starts", async () => {
    const recentStarts = [50, 40, 30, 20].map((m) => new Date(NOW.getTime() - m * 60_000).toISOString());
    const { scheduler, started } = setup({ state: { recentStarts } });
    expect((await scheduler.tick("test")).reason).toMatch(
      /^circuit breaker open: 4 dreams started in the last hour/,
    );
    expect(started).toEqual([]);
    const older = setup({
      state: {
        recentStarts: [new Date(NOW.getTime() - 61 * 60_000).toISOString(), ...recentStarts.slice(1)],
      },
    });
    expect((await older.scheduler.tick("test")).action).toBe("started");
  });

  it("backs off exponentially after consecutive failures", async () => {
    const failedAt = (minutesAgo: number) => ({
      dreamId: "x",
      at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
      status: "failed" as const,
    });
    // 3 failures: wait 300 s × 4 = 20 min.
    const waiting = setup({ state: { consecutiveFailures: 3, lastAttempt: failedAt(19) } });
    expect((await waiting.scheduler.tick("test")).reason).toMatch(
      /^backing off after 3 failed dream\(s\) until 2026-03-20T12:01:00/,
    );
    const ready = setup({ state: { consecutiveFailures: 3, lastAttempt: failedAt(21) } });
    expect((await ready.scheduler.tick("test")).action).toBe("started");
  });

  it("waits when another dreamd holds the lock, and when a dream runs here", async () => {
    expect(await setup({ busy: "another dreamd (b) is running dream y" }).scheduler.tick("t")).toMatchObject({
      action: "waiting",
      reason: "another dreamd (b) is running dream y",
    });
    expect(await setup({ running: true }).scheduler.tick("t")).toMatchObject({
      action: "idle",
      reason: "a dream is running",
    });
  });
});
