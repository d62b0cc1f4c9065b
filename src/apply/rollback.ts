import { mkdir, readFile, rm } from "node:fs/promises";
import { basename } from "node:path";
import { ConfigError } from "../errors.ts";
import { walk } from "../fs/walk.ts";
import { createSnapshot } from "../snapshot/create.ts";
import { restoreSnapshot, verifySnapshot } from "../snapshot/restore.ts";
import { type ApplyRecord, appendApplyLog, readApplyLog } from "./apply-log.ts";
import { commitFiles, type StagedFile } from "./journal.ts";
import { readLive } from "./live.ts";

export interface RollbackPreview {
  added: string[];
  removed: string[];
  changed: string[];
  /** What differs from the snapshot that no apply since it made: the agent's writes a rollback discards. */
  agentWrites: string[];
}

/**
 * Rollback (issue 14's heavy tool): verify the snapshot, extract it on the proposals volume (never where
 * the agent writes), compare it with the live memory, and — unless `dryRun`, and only with `force` when
 * it would discard a write the agent made since — restore it through the journal: every file swapped
 * atomically, notes added since removed, all or none. Logged like an apply; a rollback is undone by
 * another rollback to the snapshot taken before it.
 */
export async function rollback(opts: {
  archive: string;
  memoryDir: string;
  stateDir: string;
  rollbackId: string;
  by: string;
  now: Date;
  dryRun?: boolean;
  force?: boolean;
  /** Where the snapshot that undoes this rollback goes (none when absent). */
  snapshotsDir?: string;
}): Promise<{ preview: RollbackPreview; record: ApplyRecord | null; undo: string | null }> {
  const v = await verifySnapshot(opts.archive);
  if (!v.ok) throw new ConfigError(`snapshot ${opts.archive} failed verification: ${v.errors.join("; ")}`);
  const createdAt = (JSON.parse(await readFile(`${opts.archive}.json`, "utf8")) as { createdAt: string })
    .createdAt;
  // The first write on a fresh volume may be a rollback: the state dir need not exist yet.
  await mkdir(opts.stateDir, { recursive: true });
  const dir = await restoreSnapshot(opts.archive, { parent: opts.stateDir });
  try {
    const snap = new Set((await walk(dir)).filter((f) => f.type === "file").map((f) => f.path));
    const live = new Set((await walk(opts.memoryDir)).filter((f) => f.type === "file").map((f) => f.path));
    const preview: RollbackPreview = { added: [], removed: [], changed: [], agentWrites: [] };
    const files: StagedFile[] = [];
    for (const p of [...new Set([...snap, ...live])].sort()) {
      const before = live.has(p) ? await readLive(opts.memoryDir, p) : null;
      const after = snap.has(p) ? await readLive(dir, p) : null;
      if (before && after && before.equals(after)) continue;
      (before === null ? preview.removed : after === null ? preview.added : preview.changed).push(p);
      files.push({ path: p, before, after });
    }
    const byApplies = await changedByAppliesSince(opts.stateDir, createdAt);
    preview.agentWrites = files.map((f) => f.path).filter((p) => !byApplies.has(p));
    if (opts.dryRun || !files.length) return { preview, record: null, undo: null };
    if (preview.agentWrites.length && !opts.force) {
      throw new ConfigError(
        `rollback would discard what the agent wrote since the snapshot (${preview.agentWrites.slice(0, 5).join(", ")}${preview.agentWrites.length > 5 ? ", …" : ""}); see --dry-run, and pass --force to discard it`,
      );
    }
    // The memory as it is now, so the rollback itself can be rolled back.
    const undo = opts.snapshotsDir
      ? (
          await createSnapshot({
            memoryDir: opts.memoryDir,
            snapshotsDir: opts.snapshotsDir,
            name: opts.rollbackId,
            now: opts.now,
          })
        ).path
      : null;
    const done = await commitFiles({
      memoryDir: opts.memoryDir,
      stateDir: opts.stateDir,
      applyId: opts.rollbackId,
      files,
    });
    const record = {
      applyId: opts.rollbackId,
      dreamId: "",
      rollback: opts.archive,
      at: opts.now.toISOString(),
      by: opts.by,
      results: [],
      changed: done.committed ? files.map((f) => f.path) : [],
      ...(undo ? { snapshot: basename(undo) } : {}),
    };
    await appendApplyLog(opts.stateDir, record);
    if (!done.committed)
      throw new ConfigError(
        `memory changed during the rollback (${done.changed.join(", ")}); nothing changed, run it again`,
      );
    return { preview, record, undo };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function changedByAppliesSince(stateDir: string, since: string): Promise<Set<string>> {
  return new Set((await readApplyLog(stateDir)).filter((r) => r.at >= since).flatMap((r) => r.changed));
}
