import { access, constants } from "node:fs/promises";
import { basename, join } from "node:path";
import { ConfigError } from "../errors.ts";
import type { Manifest } from "../manifest.ts";
import { DREAM_ID, newDreamId } from "../proposal/dream-id.ts";
import { createProposals } from "../proposal/proposals.ts";
import { createSnapshot } from "../snapshot/create.ts";
import { settle } from "../state/session-ledger.ts";
import { stateDirOf } from "../state/state.ts";
import { type ApplyRecord, applyProposal } from "./apply.ts";
import { recoverApply } from "./journal.ts";
import { revertApply } from "./revert.ts";
import { appendReview, readReview, reviewState, select } from "./review-log.ts";

/** The proposal's manifest (read as the API reads it), or an error naming what is wrong. */
export async function manifestOf(proposalsDir: string, dreamId: string): Promise<Manifest> {
  if (!DREAM_ID.test(dreamId)) throw new ConfigError(`not a dream id: ${dreamId}`);
  const m = await createProposals(proposalsDir).manifest(dreamId);
  if (!m) throw new ConfigError(`no proposal ${dreamId} in ${proposalsDir}`);
  return m;
}

const ids = (list: string | undefined) =>
  list === undefined
    ? undefined
    : list === "all"
      ? "all"
      : list
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);

/** Record decisions: `--accept op-001,op-004 --reject op-002` (or `all`), optionally `--by`, `--comment`. */
export async function reviewCommand(opts: {
  proposalsDir: string;
  dreamId: string;
  accept?: string;
  reject?: string;
  by?: string;
  comment?: string;
  now: Date;
}): Promise<string> {
  const m = await manifestOf(opts.proposalsDir, opts.dreamId);
  const accept = ids(opts.accept);
  const reject = ids(opts.reject);
  if (!accept && !reject)
    throw new ConfigError("review needs --accept and/or --reject (ids, comma-separated, or all)");
  const at = opts.now.toISOString();
  const by = opts.by ?? "cli";
  const events = [
    ...(accept ? select(m, { ids: accept }) : []).map((op) => ({ op, decision: "accepted" as const })),
    ...(reject ? select(m, { ids: reject }) : []).map((op) => ({ op, decision: "rejected" as const })),
  ].map((e) => ({ at, by, ...e, ...(opts.comment ? { comment: opts.comment } : {}) }));
  const dir = join(opts.proposalsDir, opts.dreamId);
  await appendReview(dir, events);
  const state = reviewState(m, await readReview(dir));
  const count = (s: string) => [...state.values()].filter((x) => x.state === s).length;
  return `dream ${opts.dreamId}: ${count("accepted")} accepted, ${count("rejected")} rejected, ${count("pending")} pending\n`;
}

/** Why dreamd cannot apply to `memoryDir` (review-only mode), with the fix; null when it can write it. */
export async function writeRefusal(memoryDir: string): Promise<string | null> {
  return await access(memoryDir, constants.W_OK).then(
    () => null,
    () =>
      `memory dir ${memoryDir} is not writable by dreamd (uid ${process.getuid?.() ?? "?"}): mount it read-write for the sidecar, or run a one-shot \`dreamd apply\` container that does, with a group the agent shares (fsGroup) and group-writable files`,
  );
}

/**
 * Apply the accepted operations: recover an interrupted apply first, refuse a read-only memory with the
 * fix, snapshot the live memory (the rollback point), then apply through the journal. The caller holds
 * the dream lock.
 */
export async function applyCommand(opts: {
  proposalsDir: string;
  snapshotsDir: string;
  memoryDir: string;
  dreamId: string;
  accept?: string;
  /** Narrow the apply to these accepted operations. */
  only?: readonly string[];
  by?: string;
  now: Date;
  /** DREAMD_APPLY_GRACE_SECONDS, in ms. */
  graceMs?: number;
}): Promise<{ record: ApplyRecord; snapshot: string; text: string }> {
  const manifest = await manifestOf(opts.proposalsDir, opts.dreamId);
  const refused = await writeRefusal(opts.memoryDir);
  if (refused) throw new ConfigError(refused);
  const stateDir = stateDirOf(opts.proposalsDir);
  const recovered = await recoverApply({ memoryDir: opts.memoryDir, stateDir });
  if (opts.accept)
    await reviewCommand({
      proposalsDir: opts.proposalsDir,
      dreamId: opts.dreamId,
      accept: opts.accept,
      by: opts.by ?? "cli",
      now: opts.now,
    });
  const applyId = newDreamId(opts.now);
  const snapshot = await createSnapshot({
    memoryDir: opts.memoryDir,
    snapshotsDir: opts.snapshotsDir,
    name: `apply-${applyId}`,
    now: opts.now,
  });
  const record = await applyProposal({
    proposalsDir: opts.proposalsDir,
    stateDir,
    dreamId: opts.dreamId,
    memoryDir: opts.memoryDir,
    by: opts.by ?? "cli",
    applyId,
    now: opts.now,
    manifest,
    snapshot: basename(snapshot.path),
    ...(opts.only ? { only: opts.only } : {}),
    ...(opts.graceMs ? { graceMs: opts.graceMs } : {}),
  });
  // Applied: its transcripts are never read again, and no later dream supersedes it or lists it pending.
  if (record.results.some((r) => r.status === "applied")) await settle(opts.proposalsDir, opts.dreamId);
  const n = (s: string) => record.results.filter((r) => r.status === s).length;
  const lines = [
    ...(recovered.recovered
      ? [
          `recovered interrupted apply ${recovered.recovered} first (${recovered.finished.length} files finished)`,
        ]
      : []),
    `apply ${applyId} of dream ${opts.dreamId}: ${n("applied")} applied, ${n("conflict")} conflicts, ${n("skipped")} skipped; ${record.changed.length} files changed`,
    `  rollback point ${snapshot.path}`,
    ...record.results.filter((r) => r.status === "conflict").map((r) => `  conflict ${r.op}: ${r.reason}`),
  ];
  return { record, snapshot: snapshot.path, text: `${lines.join("\n")}\n` };
}

/** Undo an apply (or some of its operations), under the dream lock the caller holds. */
export async function revertCommand(opts: {
  proposalsDir: string;
  memoryDir: string;
  applyId: string;
  only?: readonly string[];
  by?: string;
  now: Date;
  /** DREAMD_APPLY_GRACE_SECONDS, in ms. */
  graceMs?: number;
}): Promise<{ record: ApplyRecord; text: string }> {
  const stateDir = stateDirOf(opts.proposalsDir);
  await recoverApply({ memoryDir: opts.memoryDir, stateDir });
  const revertId = newDreamId(opts.now);
  const record = await revertApply({
    stateDir,
    memoryDir: opts.memoryDir,
    applyId: opts.applyId,
    by: opts.by ?? "cli",
    revertId,
    now: opts.now,
    proposalsDir: opts.proposalsDir,
    ...(opts.only?.length ? { only: opts.only } : {}),
    ...(opts.graceMs ? { graceMs: opts.graceMs } : {}),
  });
  const n = (s: string) => record.results.filter((r) => r.status === s).length;
  const lines = [
    `revert ${revertId} of apply ${opts.applyId}: ${n("applied")} reverted, ${n("conflict")} conflicts; ${record.changed.length} files changed (undo it: dreamd revert ${revertId})`,
    ...record.results.filter((r) => r.status === "conflict").map((r) => `  conflict ${r.op}: ${r.reason}`),
  ];
  return { record, text: `${lines.join("\n")}\n` };
}
