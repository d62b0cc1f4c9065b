import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { z } from "zod";
import { errorMessage, SnapshotError } from "../errors.ts";
import { fsyncDir, writeFileAtomic } from "../fs/atomic.ts";
import type { SkippedEntry, TreeFs } from "../fs/safe-tree.ts";
import { packTree } from "./tree-pack.ts";

export const snapshotFileSchema = z.object({ path: z.string(), sha256: z.string(), bytes: z.number() });
export const snapshotManifestSchema = z.object({
  format: z.literal(1),
  archive: z.string(),
  sha256: z.string(),
  bytes: z.number(),
  createdAt: z.string(),
  files: z.array(snapshotFileSchema),
});
export type SnapshotFile = z.infer<typeof snapshotFileSchema>;
export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;

export interface Snapshot extends SnapshotManifest {
  /** Absolute path of the .tar.gz. */
  path: string;
  /** What the archive leaves out and why (not in the manifest file, whose format is fixed). */
  skipped: SkippedEntry[];
}

/** The manifest lives beside the archive: `<archive>.json`. */
export const manifestPathOf = (archive: string) => `${archive}.json`;

export interface CreateSnapshotOptions {
  memoryDir: string;
  snapshotsDir: string;
  /** File stem, e.g. `20260320T180000Z-<dreamId>`. */
  name: string;
  now: Date;
  signal?: AbortSignal;
  fs?: TreeFs;
  /**
   * An earlier archive: when the memory holds exactly the files it holds (same paths, same bytes), that
   * archive is returned instead of a new one, so an unchanged store adds no snapshot.
   */
  reuse?: string;
}

/** Counts and hashes bytes as they pass, so the archive is written in one streaming pass. */
export function digestTap(onDone: (hex: string, bytes: number) => void): Transform {
  const h = createHash("sha256");
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      h.update(chunk);
      n += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      onDone(h.digest("hex"), n);
      cb();
    },
  });
}

/**
 * Batches small writes into ~1 MiB buffers. tar-stream emits a 512-byte header and the body of each file
 * separately, and every write into zlib is a trip to the thread pool: for 10k small notes that, not
 * compression, was the cost (0.54x GNU tar's throughput before, see bench/snapshot-bench.ts).
 */
function coalesce(size: number): Transform {
  let parts: Buffer[] = [];
  let n = 0;
  return new Transform({
    // Room for a few batches, so reading the next files overlaps compressing the last ones.
    readableHighWaterMark: 4 * size,
    transform(chunk: Buffer, _enc, cb) {
      parts.push(chunk);
      n += chunk.length;
      if (n < size) return cb();
      const out = Buffer.concat(parts, n);
      parts = [];
      n = 0;
      cb(null, out);
    },
    flush(cb) {
      cb(null, n ? Buffer.concat(parts, n) : undefined);
    },
  });
}

const BATCH = 1 << 20;
const GZIP_WORKERS = 2;
const gzipAsync = promisify(gzip);

/**
 * pigz's trick: compress batches as independent gzip members on the thread pool, several at once, and
 * emit them in order. A multi-member gzip file is standard (RFC 1952 §2.2): gunzip, GNU tar and Node
 * all read it as one stream. Level 6, as gzip and GNU tar default to.
 */
function parallelGzip(workers: number): Transform {
  const pending: Promise<Buffer>[] = [];
  const enqueue = (chunk: Buffer) => {
    const p = gzipAsync(chunk, { level: 6 });
    p.catch(() => {}); // awaited below; this only keeps an early failure from being reported as unhandled
    pending.push(p);
  };
  return new Transform({
    readableHighWaterMark: workers * BATCH,
    transform(chunk: Buffer, _enc, cb) {
      enqueue(chunk);
      if (pending.length < workers) return cb();
      // biome-ignore lint/style/noNonNullAssertion: length checked above
      pending.shift()!.then((out) => cb(null, out), cb);
    },
    flush(cb) {
      Promise.all(pending.splice(0)).then((outs) => {
        for (const o of outs) this.push(o);
        cb();
      }, cb);
    },
  });
}

/**
 * Pack the memory dir (regular files and directories only; symlinks, special files and what cannot be
 * read are neither followed nor stored, and come back in `skipped`) into `<snapshotsDir>/<name>.tar.gz`,
 * recording the sha256 of every file as it is read. Every file is read through safe-tree, so nothing
 * outside the memory dir gets in, whatever a writer swaps meanwhile.
 * The archive appears only complete: it is written under a temporary name and renamed.
 */
export async function createSnapshot(opts: CreateSnapshotOptions): Promise<Snapshot> {
  await mkdir(opts.snapshotsDir, { recursive: true });
  const archive = join(opts.snapshotsDir, `${opts.name}.tar.gz`);
  const partial = `${archive}.partial`;
  const files: SnapshotFile[] = [];
  const skipped: SkippedEntry[] = [];
  let archiveSha = "";
  let archiveBytes = 0;
  const pack = packTree(opts.memoryDir, {
    signal: opts.signal,
    ...(opts.fs ? { fs: opts.fs } : {}),
    onFile: (f) => files.push(f),
    onSkip: (e) => skipped.push(e),
  });
  try {
    await pipeline(
      pack,
      coalesce(BATCH),
      // Level 6 is gzip's and GNU tar's default: the benchmark compares like with like.
      parallelGzip(GZIP_WORKERS),
      digestTap((sha, bytes) => {
        archiveSha = sha;
        archiveBytes = bytes;
      }),
      createWriteStream(partial, { flags: "wx" }),
      { signal: opts.signal },
    );
  } catch (err) {
    await rm(partial, { force: true });
    if (opts.signal?.aborted) throw err;
    throw new SnapshotError(`snapshot of ${opts.memoryDir} failed: ${errorMessage(err)}`, { cause: err });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const same = opts.reuse ? await sameTree(opts.reuse, files) : null;
  if (same && opts.reuse) {
    await rm(partial, { force: true });
    return { ...same, path: opts.reuse, skipped };
  }
  try {
    await rename(partial, archive);
  } catch (err) {
    await rm(partial, { force: true });
    throw new SnapshotError(`snapshot of ${opts.memoryDir} failed: ${errorMessage(err)}`, { cause: err });
  }
  const manifest: SnapshotManifest = {
    format: 1,
    archive: basename(archive),
    sha256: archiveSha,
    bytes: archiveBytes,
    createdAt: opts.now.toISOString(),
    files,
  };
  await writeFileAtomic(manifestPathOf(archive), `${JSON.stringify(manifest, null, 2)}\n`);
  await fsyncDir(opts.snapshotsDir);
  return { ...manifest, path: archive, skipped };
}

/**
 * The manifest of `archive` when it records exactly `files` (sorted) and the archive is still there at
 * its recorded size; null otherwise, or when it cannot be read (then a new snapshot is simply written).
 */
async function sameTree(archive: string, files: readonly SnapshotFile[]): Promise<SnapshotManifest | null> {
  const m = await readSnapshotManifest(archive).catch(() => null);
  if (!m || m.files.length !== files.length) return null;
  for (let i = 0; i < files.length; i++) {
    const a = m.files[i];
    const b = files[i];
    if (!a || !b || a.path !== b.path || a.sha256 !== b.sha256 || a.bytes !== b.bytes) return null;
  }
  const st = await stat(archive).catch(() => null);
  return st?.isFile() && st.size === m.bytes ? m : null;
}

/** Read and validate the manifest beside an archive; null when there is none. */
export async function readSnapshotManifest(archive: string): Promise<SnapshotManifest | null> {
  let raw: string;
  try {
    raw = await readFile(manifestPathOf(archive), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new SnapshotError(`cannot read ${manifestPathOf(archive)}: ${errorMessage(err)}`, { cause: err });
  }
  try {
    return snapshotManifestSchema.parse(JSON.parse(raw));
  } catch (err) {
    throw new SnapshotError(`${manifestPathOf(archive)} is not a snapshot manifest`, { cause: err });
  }
}

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  let out = { sha256: "", bytes: 0 };
  await pipeline(
    createReadStream(path),
    digestTap((sha256, bytes) => {
      out = { sha256, bytes };
    }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source);
    },
  );
  return out;
}

export async function archiveExists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}
