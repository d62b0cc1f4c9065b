import { type Config, snapshotsDirOf } from "../config.ts";
import { autoApply } from "./autonomy.ts";
import { retain } from "./retention.ts";

interface Log {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

type AfterDreamConfig = Pick<
  Config,
  "autonomy" | "proposalsDir" | "snapshotsDir" | "memoryDir" | "keepDreams" | "keepDays" | "applyGraceSeconds"
>;

/**
 * What follows a complete dream, still under its lock, in the sidecar and in `dreamd dream` alike: the
 * automatic apply DREAMD_AUTONOMY allows, then retention.
 */
export function afterDreamSteps(
  cfg: AfterDreamConfig,
  now: () => Date,
  log: Log,
  /** Around the automatic apply (DREAMD_DOCKER_PAUSE_AGENT: the agent paused meanwhile). */
  freeze: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
) {
  const snapshotsDir = snapshotsDirOf(cfg);
  return {
    async apply(dreamId: string): Promise<void> {
      const r = await freeze(() =>
        autoApply({
          mode: cfg.autonomy,
          proposalsDir: cfg.proposalsDir,
          snapshotsDir,
          memoryDir: cfg.memoryDir,
          dreamId,
          now: now(),
          graceMs: cfg.applyGraceSeconds * 1000,
        }),
      );
      if (r) log.info(`applied by ${cfg.autonomy}`, { dreamId, apply: r.applyId, changed: r.changed.length });
    },
    async retain(): Promise<void> {
      const r = await retain({
        proposalsDir: cfg.proposalsDir,
        snapshotsDir,
        policy: { keepDreams: cfg.keepDreams, keepDays: cfg.keepDays },
        now: now(),
        warn: (msg) => log.warn(msg),
      });
      if (r.proposals.removed.length || r.snapshots.removed.length)
        log.info("retention removed old proposals and snapshots", {
          proposals: r.proposals.removed.length,
          snapshots: r.snapshots.removed.length,
          keptBytes: r.proposals.bytes + r.snapshots.bytes,
        });
    },
  };
}
