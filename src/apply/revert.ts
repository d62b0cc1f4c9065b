import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import type { Operation } from "../manifest.ts";
import { splitLines } from "../memory/entries.ts";
import { type ApplyRecord, appendApplyLog, readApplyLog } from "./apply-log.ts";
import { execute, type UndoRecord, undoPathOf } from "./execute.ts";
import { readLive } from "./live.ts";

/**
 * Revert (issue 14): undo an apply, or some of its operations, by their inverse changes, re-anchored
 * against the live files like an apply — against the files as that apply left them — so what the agent
 * wrote since stays; an operation whose lines the agent has changed since is a conflict with why. A
 * revert is an apply of its own: journaled, logged, and undoable.
 */
export async function revertApply(opts: {
  stateDir: string;
  memoryDir: string;
  applyId: string;
  only?: readonly string[];
  by: string;
  revertId: string;
  now: Date;
  /** Where the reverted apply's proposal lives, to record the revert beside it. */
  proposalsDir?: string;
  /** Late writes watched for after the last rename (ms). */
  graceMs?: number;
}): Promise<ApplyRecord & { reverts: string }> {
  if (!/^[\w-]{1,64}$/.test(opts.applyId)) throw new ConfigError(`not an apply id: ${opts.applyId}`);
  const raw = await readFile(undoPathOf(opts.stateDir, opts.applyId), "utf8").catch(() => null);
  if (raw === null) throw new ConfigError(`no apply ${opts.applyId} to revert (or it changed nothing)`);
  const undo = JSON.parse(raw) as UndoRecord;
  const known = new Set(undo.ops.map((o) => o.op));
  const unknown = (opts.only ?? []).filter((id) => !known.has(id));
  if (unknown.length) throw new ConfigError(`apply ${opts.applyId} applied no ${unknown.join(", ")}`);
  const chosen = undo.ops.filter((o) => !opts.only || opts.only.includes(o.op));
  const ops: Operation[] = chosen.map((o) => ({
    id: o.op,
    kind: "merge",
    targets: [...new Set(o.changes.map((c) => c.path))],
    reason: `revert of ${o.op} (apply ${opts.applyId})`,
    evidence: [],
    changes: o.changes,
  }));
  const read = async () => {
    const texts = new Map<string, Buffer | null>();
    for (const p of new Set(ops.flatMap((o) => o.targets))) texts.set(p, await readLive(opts.memoryDir, p));
    return texts;
  };
  const after = new Map(undo.files.map((f) => [f.path, splitLines(f.after)]));
  const { results, changed } = await execute({
    ops,
    read,
    base: (p) => after.get(p) ?? null,
    memoryDir: opts.memoryDir,
    stateDir: opts.stateDir,
    applyId: opts.revertId,
    removeIfEmptied: new Set(undo.created ?? []),
    ...(opts.graceMs ? { graceMs: opts.graceMs } : {}),
  });
  const record = {
    applyId: opts.revertId,
    dreamId: "",
    reverts: opts.applyId,
    at: opts.now.toISOString(),
    by: opts.by,
    results,
    changed,
  };
  // The proposal whose apply this undoes keeps the record too, when it is still there.
  const of = (await readApplyLog(opts.stateDir)).find((a) => a.applyId === opts.applyId)?.dreamId;
  const proposalDir = of && opts.proposalsDir ? join(opts.proposalsDir, of) : undefined;
  const kept = proposalDir && (await stat(proposalDir).catch(() => null))?.isDirectory();
  await appendApplyLog(opts.stateDir, record, kept ? proposalDir : undefined);
  return record;
}
