import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DreamLock } from "../dream/lock.ts";
import { BusyError, ConfigError } from "../errors.ts";
import type { Manifest } from "../manifest.ts";
import { newDreamId } from "../proposal/dream-id.ts";
import { createProposals } from "../proposal/proposals.ts";
import { listSnapshots, type SnapshotEntry } from "../snapshot/catalog.ts";
import { stateDirOf } from "../state/state.ts";
import { type ApplyRecord, readApplyLog } from "./apply-log.ts";
import { applyCommand, revertCommand, writeRefusal } from "./commands.ts";
import { appendReview, type OpState, readReview, reviewState, type Selection, select } from "./review-log.ts";
import { type RollbackPreview, rollback } from "./rollback.ts";

/** Review and apply for the API: the same steps as the CLI, behind one small port. */
export interface ReviewPort {
  /** Each operation's state; null for an unknown dream. */
  get(dreamId: string): Promise<{ operations: ({ id: string } & OpState)[]; applies: ApplyRecord[] } | null>;
  decide(
    dreamId: string,
    d: { accept?: Selection; reject?: Selection; by: string; comment?: string },
  ): Promise<{ accepted: number; rejected: number; pending: number } | null>;
  /** Throws BusyError while the dream lock is held. */
  apply(
    dreamId: string,
    d: { operations?: string[]; by: string },
  ): Promise<(ApplyRecord & { snapshot: string }) | null>;
  applies(): Promise<ApplyRecord[]>;
  /** Why apply, revert and rollback are refused (review-only mode), or null when memory is writable. */
  applyRefusal(): Promise<string | null>;
  /** The snapshots a rollback may restore, newest first. */
  snapshots(): Promise<SnapshotEntry[]>;
  /** Roll memory back to a snapshot (a name in the snapshots dir): preview only with `dryRun`. */
  rollback(d: { snapshot: string; dryRun?: boolean; force?: boolean; by: string }): Promise<{
    preview: RollbackPreview;
    record: ApplyRecord | null;
    undo: string | null;
  } | null>;
  /** Undo `apply` (default: the dream's newest apply that changed files), or some of its operations. */
  revert(
    dreamId: string,
    d: { apply?: string; operations?: string[]; by: string },
  ): Promise<ApplyRecord | null>;
}

export function createReviewPort(opts: {
  proposalsDir: string;
  snapshotsDir: string;
  memoryDir: string;
  lock: () => DreamLock;
  now?: () => Date;
  /** DREAMD_APPLY_GRACE_SECONDS, in ms. */
  graceMs?: number;
  /** Around every write to memory (DREAMD_DOCKER_PAUSE_AGENT: the agent paused meanwhile). */
  freeze?: <T>(fn: () => Promise<T>) => Promise<T>;
}): ReviewPort {
  const freeze = opts.freeze ?? (<T>(fn: () => Promise<T>) => fn());
  const grace = opts.graceMs ? { graceMs: opts.graceMs } : {};
  const now = opts.now ?? (() => new Date());
  const proposals = createProposals(opts.proposalsDir);
  const manifestOf = (id: string) => proposals.manifest(id);
  const counts = async (id: string, m: Manifest) => {
    const st = [...reviewState(m, await readReview(join(opts.proposalsDir, id))).values()];
    const n = (s: string) => st.filter((x) => x.state === s).length;
    return { accepted: n("accepted"), rejected: n("rejected"), pending: n("pending") };
  };
  const applies = () => readApplyLog(stateDirOf(opts.proposalsDir));
  /** Run `fn` holding the dream lock, or refuse at once: an API request does not wait for a dream. */
  const locked = async <T>(key: string, what: string, fn: () => Promise<T>): Promise<T> => {
    const lock = opts.lock();
    const held = await lock.tryAcquire(key);
    if (held)
      throw new BusyError(`${held.holder} holds the dream lock (dream ${held.dreamId}): ${what} after it`);
    try {
      return await freeze(fn);
    } finally {
      await lock.release();
    }
  };
  return {
    applies,
    applyRefusal: () => writeRefusal(opts.memoryDir),
    snapshots: () => listSnapshots(opts.snapshotsDir),
    async get(id) {
      const m = await manifestOf(id);
      if (!m) return null;
      const st = reviewState(m, await readReview(join(opts.proposalsDir, id)));
      const log = await applies();
      const mine = new Set(log.filter((a) => a.dreamId === id).map((a) => a.applyId));
      return {
        // Its applies, and the reverts of them: what became of each operation.
        applies: log.filter((a) => a.dreamId === id || (a.reverts !== undefined && mine.has(a.reverts))),
        operations: m.operations.map((o) => ({
          id: o.id,
          ...(st.get(o.id) ?? { state: "pending" as const }),
        })),
      };
    },
    async decide(id, d) {
      const m = await manifestOf(id);
      if (!m) return null;
      const at = now().toISOString();
      const events = [
        ...(d.accept ? select(m, d.accept) : []).map((op) => ({ op, decision: "accepted" as const })),
        ...(d.reject ? select(m, d.reject) : []).map((op) => ({ op, decision: "rejected" as const })),
      ].map((e) => ({ at, by: d.by, ...e, ...(d.comment ? { comment: d.comment } : {}) }));
      await appendReview(join(opts.proposalsDir, id), events);
      return counts(id, m);
    },
    async apply(id, d) {
      if (!(await proposals.summary(id))) return null;
      return locked(id, "apply", async () => {
        const { record, snapshot } = await applyCommand({
          proposalsDir: opts.proposalsDir,
          snapshotsDir: opts.snapshotsDir,
          memoryDir: opts.memoryDir,
          dreamId: id,
          by: d.by,
          now: now(),
          ...(d.operations ? { only: d.operations } : {}),
          ...grace,
        });
        return { ...record, snapshot };
      });
    },
    async rollback(d) {
      if (!/^[\w.-]{1,120}\.tar\.gz$/.test(d.snapshot) || d.snapshot.startsWith(".")) return null;
      const archive = join(opts.snapshotsDir, d.snapshot);
      const exists = await readFile(`${archive}.json`, "utf8").then(
        () => true,
        () => false,
      );
      if (!exists) return null;
      return locked("rollback", "roll back", async () => {
        const t = now();
        return await rollback({
          archive,
          memoryDir: opts.memoryDir,
          stateDir: stateDirOf(opts.proposalsDir),
          rollbackId: `rollback-${newDreamId(t)}`,
          by: d.by,
          now: t,
          snapshotsDir: opts.snapshotsDir,
          ...(d.dryRun ? { dryRun: true } : {}),
          ...(d.force ? { force: true } : {}),
        });
      });
    },
    async revert(id, d) {
      const applyId =
        d.apply ?? (await applies()).filter((a) => a.dreamId === id && a.changed.length).at(-1)?.applyId;
      if (!applyId) return null;
      return locked(applyId, "revert", async () => {
        const { record } = await revertCommand({
          proposalsDir: opts.proposalsDir,
          memoryDir: opts.memoryDir,
          applyId,
          by: d.by,
          now: now(),
          ...(d.operations ? { only: d.operations } : {}),
          ...grace,
        });
        return record;
      });
    },
  };
}

/** The safe default: nothing to review, and an apply refused with why (a server built without memory). */
export const unavailableReview: ReviewPort = {
  get: async () => null,
  decide: async () => null,
  apply: async () => {
    throw new ConfigError("review and apply are not configured in this server");
  },
  applies: async () => [],
  applyRefusal: async () => "review and apply are not configured in this server",
  snapshots: async () => [],
  revert: async () => {
    throw new ConfigError("review and apply are not configured in this server");
  },
  rollback: async () => {
    throw new ConfigError("review and apply are not configured in this server");
  },
};
