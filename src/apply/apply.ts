import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest } from "../manifest.ts";
import { splitLines } from "../memory/entries.ts";
import { createProposals } from "../proposal/proposals.ts";
import { baseOf } from "./anchor.ts";
import { type ApplyRecord, appendApplyLog, readApplyLog } from "./apply-log.ts";
import { execute, type OpResult } from "./execute.ts";
import type { Step } from "./journal.ts";
import { readLive } from "./live.ts";
import { readReview, reviewState } from "./review-log.ts";

export { type ApplyRecord, applyLogPathOf } from "./apply-log.ts";
export type { OpResult } from "./execute.ts";

/** The dream's operations an earlier apply applied and no revert has undone: op → that apply's id. */
async function appliedAlready(stateDir: string, dreamId: string): Promise<Map<string, string>> {
  const done = new Map<string, string>();
  for (const r of await readApplyLog(stateDir)) {
    const applied = r.results.filter((x) => x.status === "applied").map((x) => x.op);
    if (r.reverts) {
      for (const op of applied) if (done.get(op) === r.reverts) done.delete(op);
    } else if (r.dreamId === dreamId) {
      for (const op of applied) done.set(op, r.applyId);
    }
  }
  return done;
}

/**
 * Apply the accepted operations of one proposal to the live memory (issue 14): every accepted one (or
 * those of `only`, which must be accepted) is re-anchored against the live files and applied whole, or
 * reported as a conflict with why; the rest are skipped. The caller holds the dream lock and has taken
 * the rollback snapshot. All files change together through the journal, or none does.
 */
export async function applyProposal(opts: {
  proposalsDir: string;
  stateDir: string;
  dreamId: string;
  memoryDir: string;
  by: string;
  applyId: string;
  now: Date;
  only?: readonly string[];
  step?: Step;
  /** Late writes watched for after the last rename (ms). */
  graceMs?: number;
  /** The proposal's manifest when the caller has read it already. */
  manifest?: Manifest;
  /** The rollback point the caller took (its name in the snapshots dir), for the log. */
  snapshot?: string;
}): Promise<ApplyRecord> {
  const dir = join(opts.proposalsDir, opts.dreamId);
  const manifest = opts.manifest ?? (await createProposals(opts.proposalsDir).manifest(opts.dreamId));
  if (!manifest) throw new Error(`no readable proposal ${opts.dreamId} in ${opts.proposalsDir}`);
  const state = reviewState(manifest, await readReview(dir));
  const wanted = new Set(opts.only ?? manifest.operations.map((o) => o.id));
  const done = await appliedAlready(opts.stateDir, opts.dreamId);
  const accepted = manifest.operations.filter(
    (o) => wanted.has(o.id) && state.get(o.id)?.state === "accepted" && !done.has(o.id),
  );
  const skipped: OpResult[] = manifest.operations
    .filter((o) => !accepted.includes(o))
    .map((o) => ({
      op: o.id,
      status: "skipped",
      reason: done.has(o.id)
        ? `applied already (apply ${done.get(o.id)})`
        : `${state.get(o.id)?.state ?? "pending"}${wanted.has(o.id) ? "" : ", not named"}`,
    }));
  const paths = new Set([
    ...accepted.flatMap((o) => o.changes.map((c) => c.path)),
    ...accepted.flatMap((o) => o.evidence.flatMap((ev) => (ev.source === "memory" ? [ev.path] : []))),
  ]);
  const read = async () => {
    const texts = new Map<string, Buffer | null>();
    for (const p of paths) texts.set(p, await readLive(opts.memoryDir, p));
    return texts;
  };
  // The files as the dream read them: the proposed store with every operation's changes undone.
  const bases = new Map<string, string[] | null>();
  const base = (p: string) => {
    if (!bases.has(p)) bases.set(p, null);
    return bases.get(p) ?? null;
  };
  for (const p of paths) {
    const store = await readFile(join(dir, "store", p), "utf8").catch(() => null);
    const changes = manifest.operations.flatMap((o) => o.changes.filter((c) => c.path === p));
    bases.set(p, store === null ? null : baseOf(splitLines(store), changes));
  }
  const { results, changed } = await execute({
    ops: accepted,
    read,
    base,
    memoryDir: opts.memoryDir,
    stateDir: opts.stateDir,
    applyId: opts.applyId,
    ...(opts.step ? { step: opts.step } : {}),
    ...(opts.graceMs ? { graceMs: opts.graceMs } : {}),
  });
  const record: ApplyRecord = {
    applyId: opts.applyId,
    dreamId: opts.dreamId,
    at: opts.now.toISOString(),
    by: opts.by,
    results: [...results, ...skipped].sort((a, b) => (a.op < b.op ? -1 : 1)),
    changed,
    ...(opts.snapshot ? { snapshot: opts.snapshot } : {}),
  };
  await appendApplyLog(opts.stateDir, record, dir);
  return record;
}
