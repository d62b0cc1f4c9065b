import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { manifestPathOf, readSnapshotManifest } from "./create.ts";

/**
 * What the snapshots dir holds, by name: `<dreamId>.tar.gz` (taken by a dream), `apply-<id>.tar.gz` (the
 * rollback point of an apply), `rollback-<id>.tar.gz` (the memory a rollback replaced). Each id starts
 * with its UTC time, so names sort by age. Anything else in the dir is not dreamd's and is never touched.
 */
export type SnapshotKind = "dream" | "apply" | "rollback";

export interface SnapshotEntry {
  /** The archive's file name. */
  name: string;
  kind: SnapshotKind;
  /** The name without its kind prefix and suffix: the dream's id, or the apply's or rollback's. */
  id: string;
  at: Date;
  /** The archive plus its manifest. */
  bytes: number;
}

const NAME = /^(?:(apply|rollback)-)?((\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]{6})\.tar\.gz$/;

/** The kind, id and time a snapshot's name says; null for a name dreamd does not write. */
export function parseSnapshotName(name: string): Omit<SnapshotEntry, "bytes"> | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [, kind, id, y, mo, d, h, mi, s] = m;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  if (!id || Number.isNaN(at.getTime())) return null;
  return { name, kind: (kind as SnapshotKind | undefined) ?? "dream", id, at };
}

const sizeOf = async (path: string) => (await stat(path).catch(() => null))?.size ?? 0;

/** Every archive dreamd wrote in `dir`, newest first; an empty list when the dir does not exist. */
export async function listSnapshots(dir: string): Promise<SnapshotEntry[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: SnapshotEntry[] = [];
  for (const name of names) {
    const parsed = parseSnapshotName(name);
    if (!parsed) continue;
    const path = join(dir, name);
    out.push({ ...parsed, bytes: (await sizeOf(path)) + (await sizeOf(manifestPathOf(path))) });
  }
  return out.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/**
 * The newest snapshot that has a manifest: the one an unchanged memory can reuse. A dream's, an apply's
 * or a rollback's alike: each records the memory as it was at that moment.
 */
export async function newestSnapshot(dir: string): Promise<string | null> {
  for (const s of await listSnapshots(dir)) {
    const path = join(dir, s.name);
    if ((await stat(manifestPathOf(path)).catch(() => null))?.isFile()) return path;
  }
  return null;
}

/** Remove an archive, then its manifest (a manifest alone is ignored by every reader). */
export async function removeSnapshotFiles(dir: string, name: string): Promise<void> {
  const path = join(dir, name);
  await rm(path, { force: true });
  await rm(manifestPathOf(path), { force: true });
}

/**
 * For each file of `current` (path → sha256 now): the earliest time a snapshot in `dir` recorded it with
 * those same bytes. Every line of such a file existed then: what orders a note before a later session.
 * An unreadable manifest is passed over.
 */
export async function seenSince(
  dir: string,
  current: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of await listSnapshots(dir)) {
    const m = await readSnapshotManifest(join(dir, s.name)).catch(() => null);
    if (!m) continue;
    for (const f of m.files) {
      if (current.get(f.path) !== f.sha256) continue;
      const known = out.get(f.path);
      if (!known || m.createdAt < known) out.set(f.path, m.createdAt);
    }
  }
  return out;
}
