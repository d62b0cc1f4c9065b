import { appendFile, readFile } from "node:fs/promises";
import { ConfigError } from "../errors.ts";
import { fsyncDir } from "../fs/atomic.ts";
import { assertNoSymlink, resolveInside } from "../fs/paths.ts";
import type { Operation } from "../manifest.ts";
import { type ApplyRecord, applyLogPathOf } from "./apply.ts";
import { execute, type UndoRecord, undoPathOf } from "./execute.ts";

async function liveText(memoryDir: string, rel: string): Promise<Buffer | null> {
  const abs = resolveInside(memoryDir, rel);
  await assertNoSymlink(memoryDir, abs);
  return readFile(abs).catch((err: NodeJS.ErrnoException) =>
    err.code === "ENOENT" ? null : Promise.reject(err),
  );
}

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
  const texts = new Map<string, Buffer | null>();
  for (const p of new Set(ops.flatMap((o) => o.targets))) texts.set(p, await liveText(opts.memoryDir, p));
  const after = new Map(undo.files.map((f) => [f.path, f.after.replace(/\n$/, "").split("\n")]));
  const { results, changed } = await execute({
    ops,
    texts,
    base: (p) => after.get(p) ?? null,
    memoryDir: opts.memoryDir,
    stateDir: opts.stateDir,
    applyId: opts.revertId,
    removeIfEmptied: new Set(undo.created ?? []),
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
  await appendFile(applyLogPathOf(opts.stateDir), `${JSON.stringify(record)}\n`);
  await fsyncDir(opts.stateDir);
  return record;
}
