import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RunnerEvent } from "../dream/runner.ts";

export interface Metrics {
  registry: Registry;
  /** Feed runner events (subscribe this to the runner). */
  observe(e: RunnerEvent): void;
}

export interface MetricsDeps {
  /** New transcripts not yet dreamt over, computed at scrape time. */
  sessionsPending(): Promise<number>;
  /** Last successful dream, epoch seconds, or null. */
  lastSuccess(): Promise<number | null>;
  /** Bytes the proposals volume keeps (retention: DREAMD_KEEP_DREAMS, DREAMD_KEEP_DAYS). */
  keptBytes?(): Promise<{ proposals: number; snapshots: number }>;
}

/** Prometheus metrics on a registry of its own (no global state), prefixed `dreamd_`. */
export function createMetrics(deps: MetricsDeps): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "dreamd_" });
  const dreams = new Counter({
    name: "dreamd_dreams_total",
    help: "Dreams by final status.",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  for (const status of ["complete", "failed", "cancelled"]) dreams.inc({ status }, 0);
  const phases = new Histogram({
    name: "dreamd_phase_duration_seconds",
    help: "Duration of each dream phase.",
    labelNames: ["phase"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  new Gauge({
    name: "dreamd_last_success_timestamp_seconds",
    help: "When the last successful dream finished (0: never).",
    registers: [registry],
    async collect() {
      this.set((await deps.lastSuccess()) ?? 0);
    },
  });
  new Gauge({
    name: "dreamd_sessions_pending",
    help: "Transcripts not yet consumed by a dream.",
    registers: [registry],
    async collect() {
      this.set(await deps.sessionsPending());
    },
  });
  if (deps.keptBytes) {
    const kept = deps.keptBytes;
    new Gauge({
      name: "dreamd_kept_bytes",
      help: "Bytes kept on the proposals volume, by kind (proposals, snapshots).",
      labelNames: ["kind"] as const,
      registers: [registry],
      async collect() {
        const k = await kept();
        this.set({ kind: "proposals" }, k.proposals);
        this.set({ kind: "snapshots" }, k.snapshots);
      },
    });
  }
  const snapshotBytes = new Gauge({
    name: "dreamd_snapshot_bytes",
    help: "Size of the last snapshot archive.",
    registers: [registry],
  });
  const operations = new Counter({
    name: "dreamd_operations_total",
    help: "Operations proposed (accepted) and refused.",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: "dreamd_tokens_used_total",
    help: "Model tokens used by dreams (the offline engine uses none).",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  for (const kind of ["input", "output", "cache_read", "cache_write"]) tokens.inc({ kind }, 0);

  const started = new Map<string, number>();
  return {
    registry,
    observe(e) {
      if (e.type === "phase") {
        const key = `${e.data.dreamId}:${e.data.phase}`;
        if (e.data.status === "start") started.set(key, Date.parse(e.data.at));
        else {
          const t0 = started.get(key);
          started.delete(key);
          if (t0 !== undefined) phases.observe({ phase: e.data.phase }, (Date.parse(e.data.at) - t0) / 1000);
        }
        return;
      }
      if (e.data.status === "started") return;
      dreams.inc({ status: e.data.status });
      if (e.data.snapshotBytes !== undefined) snapshotBytes.set(e.data.snapshotBytes);
      if (e.data.operations !== undefined) operations.inc({ outcome: "accepted" }, e.data.operations);
      if (e.data.refused !== undefined) operations.inc({ outcome: "refused" }, e.data.refused);
    },
  };
}
