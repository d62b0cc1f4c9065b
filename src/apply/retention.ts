import { lstat, open, readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { DREAM_ID } from "../proposal/dream-id.ts";
import { createProposals } from "../proposal/proposals.ts";
import { listSnapshots, removeSnapshotFiles, type SnapshotEntry } from "../snapshot/catalog.ts";
import { proposalStatuses } from "../state/session-ledger.ts";
import { readState, stateDirOf } from "../state/state.ts";
import { type ApplyRecord, readApplyLog } from "./apply-log.ts";

/** DREAMD_KEEP_DREAMS and DREAMD_KEEP_DAYS. */
export interface RetentionPolicy {
  keepDreams: number;
  /** 0: no age limit. */
  keepDays: number;
}

export interface Retained {
  /** Proposal ids removed, and the bytes of those kept. */
  proposals: { kept: number; removed: string[]; bytes: number };
  /** Snapshot names removed, and the bytes of those kept. */
  snapshots: { kept: number; removed: string[]; bytes: number };
}

const DAY = 86_400_000;

/** `20260320T180000Z-…` → its time. */
const timeOf = (id: string) =>
  Date.parse(
    `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}Z`,
  );

/** The snapshot an apply-log record can return to: recorded since the field exists, named before. */
export function rollbackPointOf(r: ApplyRecord): string | null {
  if (r.snapshot) return r.snapshot;
  if (r.reverts) return null;
  return r.rollback !== undefined ? `${r.applyId}.tar.gz` : `apply-${r.applyId}.tar.gz`;
}

const HEAD_BYTES = 16 * 1024;

/** The JSON string value after the keys `keys`, in order, in a piece of JSON text; null if not whole. */
function stringAfter(text: string, keys: readonly string[]): string | null {
  let at = 0;
  for (const k of keys) {
    at = text.indexOf(k, at);
    if (at === -1) return null;
    at += k.length;
  }
  const colon = text.indexOf(":", at);
  const open = colon === -1 ? -1 : text.indexOf('"', colon);
  if (open === -1 || text.slice(colon + 1, open).trim() !== "") return null;
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') {
      try {
        const v = JSON.parse(text.slice(open, i + 1)) as unknown;
        return typeof v === "string" ? v : null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * The snapshot a proposal refers to (an unchanged memory's dream reuses an older one), from the head of
 * its manifest: the writer puts `base.snapshot` near the top, and a large dream's manifest (tens of MB)
 * parsed on the server's thread after every dream stalled its liveness probe. The whole manifest is
 * read only when the head does not hold it.
 */
async function snapshotOf(
  dir: string,
  whole: () => Promise<{ base: { snapshot: { path: string } } } | null>,
) {
  const fh = await open(join(dir, "manifest.json"), "r").catch(() => null);
  if (!fh) return null;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    const head = buf.subarray(0, bytesRead).toString("utf8");
    const path = stringAfter(head, ['"snapshot"', '"path"']);
    if (path !== null) return basename(path);
  } finally {
    await fh.close();
  }
  const m = await whole().catch(() => null);
  return m ? basename(m.base.snapshot.path) : null;
}

/** Bytes under a directory, not following links. */
async function treeBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += await treeBytes(p);
    else n += (await lstat(p).catch(() => null))?.size ?? 0;
  }
  return n;
}

/**
 * Bytes of the proposals `ids`. A proposal is written once (only its small review log grows), so with a
 * `cache` each directory is walked once, not at every scrape.
 */
export async function keptBytes(
  proposalsDir: string,
  ids: readonly string[],
  cache: Map<string, number> = new Map(),
): Promise<number> {
  let n = 0;
  for (const id of ids) {
    const known = cache.get(id) ?? (await treeBytes(join(proposalsDir, id)));
    cache.set(id, known);
    n += known;
  }
  return n;
}

/** What /metrics reports as kept: every proposal and snapshot on the volume, measured at scrape time. */
export function createKeptMeter(proposalsDir: string, snapshotsDir: string) {
  const cache = new Map<string, number>();
  return async (): Promise<{ proposals: number; snapshots: number }> => {
    const ids = (await readdir(proposalsDir).catch(() => [] as string[])).filter((n) => DREAM_ID.test(n));
    for (const id of cache.keys()) if (!ids.includes(id)) cache.delete(id);
    const snapshots = (await listSnapshots(snapshotsDir)).reduce((n, s) => n + s.bytes, 0);
    return { proposals: await keptBytes(proposalsDir, ids, cache), snapshots };
  };
}

/**
 * Retention (issue 14), run after each dream under the dream lock. A proposal is kept when it is pending
 * (nobody has decided it yet, or it holds transcripts no later dream read again), when it is the newest,
 * or when it is among the newest `keepDreams` and younger than `keepDays`; the others are discarded (as
 * DELETE /dreams/:id does). A dream's snapshot goes when no kept proposal refers to it (an unchanged store
 * shares one archive across dreams). Rollback points (apply and rollback snapshots) follow the same count
 * and age, and the newest apply's is never removed. A proposal that cannot be read is judged by its id
 * and its ledger entry alone; a name dreamd does not write is never touched.
 */
export async function retain(opts: {
  proposalsDir: string;
  snapshotsDir: string;
  policy: RetentionPolicy;
  now: Date;
  warn?: (msg: string) => void;
}): Promise<Retained> {
  const { keepDreams, keepDays } = opts.policy;
  const young = (id: string) => keepDays === 0 || opts.now.getTime() - timeOf(id) < keepDays * DAY;
  const proposals = createProposals(opts.proposalsDir);
  const status = proposalStatuses((await readState(opts.proposalsDir, opts.warn)).ledger);
  const ids = (await readdir(opts.proposalsDir).catch(() => [] as string[]))
    .filter((n) => DREAM_ID.test(n))
    .sort()
    .reverse();
  const keep = ids.filter(
    (id, i) => i === 0 || status(id).status === "pending" || (i < keepDreams && young(id)),
  );
  const removed = ids.filter((id) => !keep.includes(id));
  for (const id of removed) await proposals.discard(id);

  const referenced = new Set<string>();
  for (const id of keep) {
    referenced.add(`${id}.tar.gz`);
    const snap = await snapshotOf(join(opts.proposalsDir, id), () => proposals.manifest(id));
    if (snap) referenced.add(snap);
  }
  const log = await readApplyLog(stateDirOf(opts.proposalsDir));
  const newestPoint = log.map(rollbackPointOf).findLast((p) => p !== null) ?? null;
  const snapshots = await listSnapshots(opts.snapshotsDir);
  const newestProposal = ids[0] ?? "";
  const points = snapshots.filter((s) => s.kind !== "dream");
  const keepSnapshot = (s: SnapshotEntry): boolean => {
    if (s.name === newestPoint) return true;
    if (s.kind === "dream") return referenced.has(s.name) || s.id > newestProposal;
    const i = points.indexOf(s);
    return i === 0 || (i < keepDreams && young(s.id));
  };
  const gone: string[] = [];
  let bytes = 0;
  for (const s of snapshots) {
    if (keepSnapshot(s)) bytes += s.bytes;
    else {
      await removeSnapshotFiles(opts.snapshotsDir, s.name);
      gone.push(s.name);
    }
  }
  const proposalBytes = await keptBytes(opts.proposalsDir, keep);
  return {
    proposals: { kept: keep.length, removed, bytes: proposalBytes },
    snapshots: { kept: snapshots.length - gone.length, removed: gone, bytes },
  };
}
