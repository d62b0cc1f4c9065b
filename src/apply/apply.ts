import { appendFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fsyncDir } from "../fs/atomic.ts";
import { assertNoSymlink, resolveInside } from "../fs/paths.ts";
import { type Manifest, manifestSchema } from "../manifest.ts";
import { splitLines } from "../memory/entries.ts";
import { baseOf } from "./anchor.ts";
import { execute, type OpResult } from "./execute.ts";
import type { Step } from "./journal.ts";
import { readReview, reviewState } from "./review-log.ts";

export type { OpResult } from "./execute.ts";

export interface ApplyRecord {
  applyId: string;
  dreamId: string;
  at: string;
  by: string;
  results: OpResult[];
  /** The files changed: what a revert or a rollback returns. */
  changed: string[];
}

export const applyLogPathOf = (stateDir: string) => join(stateDir, "applies.jsonl");

/** The dream's operations an earlier apply applied and no revert has undone: op → that apply's id. */
async function appliedAlready(stateDir: string, dreamId: string): Promise<Map<string, string>> {
  const text = await readFile(applyLogPathOf(stateDir), "utf8").catch(() => "");
  const records = text.split("\n").flatMap((l) => {
    try {
      return l.trim() ? [JSON.parse(l) as ApplyRecord & { reverts?: string }] : [];
    } catch {
      return [];
    }
  });
  const done = new Map<string, string>();
  for (const r of records) {
    const applied = r.results.filter((x) => x.status === "applied").map((x) => x.op);
    if (r.reverts) {
      for (const op of applied) if (done.get(op) === r.reverts) done.delete(op);
    } else if (r.dreamId === dreamId) {
      for (const op of applied) done.set(op, r.applyId);
    }
  }
  return done;
}

async function liveText(memoryDir: string, rel: string): Promise<Buffer | null> {
  const abs = resolveInside(memoryDir, rel);
  await assertNoSymlink(memoryDir, abs);
  return readFile(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
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
}): Promise<ApplyRecord> {
  const dir = join(opts.proposalsDir, opts.dreamId);
  const manifest: Manifest = manifestSchema.parse(
    JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")),
  );
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
  const texts = new Map<string, Buffer | null>();
  for (const p of new Set(accepted.flatMap((o) => o.changes.map((c) => c.path))))
    texts.set(p, await liveText(opts.memoryDir, p));
  for (const o of accepted)
    for (const ev of o.evidence)
      if (ev.source === "memory" && !texts.has(ev.path))
        texts.set(ev.path, await liveText(opts.memoryDir, ev.path));
  // The files as the dream read them: the proposed store with every operation's changes undone.
  const bases = new Map<string, string[] | null>();
  const base = (p: string) => {
    if (!bases.has(p)) bases.set(p, null);
    return bases.get(p) ?? null;
  };
  for (const p of texts.keys()) {
    const store = await readFile(join(dir, "store", p), "utf8").catch(() => null);
    const changes = manifest.operations.flatMap((o) => o.changes.filter((c) => c.path === p));
    bases.set(p, store === null ? null : baseOf(splitLines(store), changes));
  }
  const { results, changed } = await execute({
    ops: accepted,
    texts,
    base,
    memoryDir: opts.memoryDir,
    stateDir: opts.stateDir,
    applyId: opts.applyId,
    ...(opts.step ? { step: opts.step } : {}),
  });
  const record: ApplyRecord = {
    applyId: opts.applyId,
    dreamId: opts.dreamId,
    at: opts.now.toISOString(),
    by: opts.by,
    results: [...results, ...skipped].sort((a, b) => (a.op < b.op ? -1 : 1)),
    changed,
  };
  await mkdir(opts.stateDir, { recursive: true });
  await appendFile(applyLogPathOf(opts.stateDir), `${JSON.stringify(record)}\n`);
  await fsyncDir(opts.stateDir);
  return record;
}
