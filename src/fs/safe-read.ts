import type { FileHandle } from "node:fs/promises";
import { openInside, type TreeEntry, type TreeFs } from "./safe-tree.ts";

const GROWTH = 64 * 1024;

/** Read up to `limit` bytes (stopping at EOF) from the start of an open file; `size` sizes the buffer. */
export async function readOpened(fh: FileHandle, size: number, limit: number): Promise<Buffer> {
  const first = Buffer.allocUnsafe(Math.min(size, limit));
  let n = 0;
  while (n < first.length) {
    const { bytesRead } = await fh.read(first, n, first.length - n, n);
    if (bytesRead === 0) return first.subarray(0, n);
    n += bytesRead;
  }
  // The file may have grown since fstat: keep reading (up to the limit) rather than keep a torn copy.
  const parts = [first];
  while (n < limit) {
    const chunk = Buffer.allocUnsafe(Math.min(GROWTH, limit - n));
    const { bytesRead } = await fh.read(chunk, 0, chunk.length, n);
    if (bytesRead === 0) break;
    parts.push(chunk.subarray(0, bytesRead));
    n += bytesRead;
  }
  return parts.length === 1 ? first : Buffer.concat(parts, n);
}

export type InsideRead =
  | { ok: true; data: Buffer; size: number; mtimeMs: number }
  | { ok: false; error: string; size: number; mtimeMs: number };

/**
 * Read `rel` below `root` through safe-tree (no link followed on any component, only a regular file
 * opened), refusing anything larger than `maxBytes` before reading it. What safe-tree skips comes back
 * as `{ok: false}` with its reason, never thrown.
 */
export async function readInside(
  root: string,
  rel: string,
  maxBytes: number,
  opts: { fs?: TreeFs } = {},
): Promise<InsideRead> {
  const opened = await openInside(root, rel, opts);
  if (!("ok" in opened)) return { ok: false, error: opened.error, size: 0, mtimeMs: 0 };
  const { fh, stat } = opened;
  try {
    if (stat.size > maxBytes) {
      return {
        ok: false,
        error: `too large (${stat.size} bytes > ${maxBytes})`,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
      };
    }
    const data = await readOpened(fh, stat.size, maxBytes + 1);
    if (data.length > maxBytes) {
      return {
        ok: false,
        error: `too large (grew past ${maxBytes} bytes)`,
        size: data.length,
        mtimeMs: stat.mtimeMs,
      };
    }
    return { ok: true, data, size: data.length, mtimeMs: stat.mtimeMs };
  } finally {
    await fh.close();
  }
}

/**
 * `load` each walk entry, up to `ahead` at once, and yield the results in walk order, so opening and
 * reading the next files overlaps handling this one (each open is a trip to the thread pool). `load`
 * must call `open()` before its first await. Results never yielded (an error, an early exit) go to
 * `dispose`, so a handle a result holds is not leaked.
 */
export async function* mapAhead<T>(
  entries: AsyncIterable<TreeEntry>,
  load: (e: TreeEntry) => Promise<T>,
  ahead: number,
  dispose?: (t: T) => Promise<void>,
): AsyncGenerator<T> {
  const queue: Promise<T>[] = [];
  const next = () => queue.shift() as Promise<T>;
  try {
    for await (const e of entries) {
      const p = load(e);
      p.catch(() => {}); // awaited in order below; this only keeps a later one from being "unhandled"
      queue.push(p);
      if (queue.length >= ahead) yield await next();
    }
    while (queue.length) yield await next();
  } finally {
    for (const p of queue.splice(0)) {
      const t = await p.then(
        (v) => ({ v }),
        () => null,
      );
      if (t && dispose) await dispose(t.v);
    }
  }
}
