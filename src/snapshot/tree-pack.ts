import { createHash } from "node:crypto";
import type { Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import tarStream, { type Header, type Pack } from "tar-stream";

type Headers = Partial<Header> & Pick<Header, "name">;

import { mapAhead, readOpened } from "../fs/safe-read.ts";
import {
  type DirEntry,
  type FileEntry,
  type SkippedEntry,
  type TreeEntry,
  type TreeFs,
  walkTree,
} from "../fs/safe-tree.ts";

export interface PackedFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface PackTreeOptions {
  signal?: AbortSignal;
  fs?: TreeFs;
  onFile: (f: PackedFile) => void;
  onSkip: (s: SkippedEntry) => void;
}

/** Files up to this size are read whole before their entry is written; larger ones are streamed. */
const WHOLE = 1 << 20;
const CHUNK = 1 << 20;
/** Files opened and read ahead of the one being archived: at most AHEAD × WHOLE bytes held. */
const AHEAD = 8;

/** pack.entry's callback as a promise: it settles when the entry is written (or the pack destroyed). */
function entry(pack: Pack, header: Headers, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const cb = (err?: Error | null) => (err ? reject(err) : resolve());
    if (body) pack.entry(header, body, cb);
    else pack.entry(header, cb);
  });
}

/** Stream a large file's first `size` bytes into its entry, hashing as it goes. */
async function streamEntry(pack: Pack, header: Headers, fh: FileHandle, size: number): Promise<string> {
  const h = createHash("sha256");
  let sink!: ReturnType<Pack["entry"]>;
  // The callback runs once the entry is written, or with the error that destroyed it.
  const done = new Promise<void>((resolve, reject) => {
    sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
  });
  done.catch(() => {});
  sink.on("error", () => {}); // reported through the callback above, and by the pack it destroys
  let pos = 0;
  while (pos < size) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - pos));
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) {
      const err = new Error(`${header.name} shrank while it was read (${pos} of ${size} bytes)`);
      sink.destroy(err);
      throw err;
    }
    const chunk = buf.subarray(0, bytesRead);
    h.update(chunk);
    pos += bytesRead;
    if (!sink.write(chunk))
      await Promise.race([new Promise<void>((r) => sink.once("drain", () => r())), done]);
  }
  sink.end(undefined); // streamx types insist on an argument
  await done;
  return h.digest("hex");
}

/**
 * A tar stream of the tree below `root`: directories and regular files only, in walk order (sorted,
 * depth first), uid/gid 0, each file archived from the descriptor safe-tree opened and hashed as it is
 * read. Anything safe-tree skips (links, special files, unreadable or changing entries) goes to onSkip.
 */
export function packTree(root: string, opts: PackTreeOptions): Pack {
  const pack = tarStream.pack();
  const produce = async () => {
    const walk = walkTree(root, { signal: opts.signal, fs: opts.fs });
    for await (const item of mapAhead(walk, load, AHEAD, dispose)) {
      if (pack.destroyed) {
        await dispose(item);
        return;
      }
      if (item.type === "skipped") {
        opts.onSkip(item);
        continue;
      }
      const e = item.entry;
      // Ownership of the agent's files means nothing to a restore; keep archives reproducible.
      const base = { uid: 0, gid: 0, mode: e.stat.mode & 0o7777, mtime: e.stat.mtime };
      if (item.type === "dir") {
        await entry(pack, { ...base, name: e.path || ".", type: "directory" });
      } else if (item.type === "whole") {
        await entry(pack, { ...base, name: e.path, type: "file", size: item.data.length }, item.data);
        opts.onFile({ path: e.path, sha256: item.sha256, bytes: item.data.length });
      } else {
        try {
          const size = item.stat.size;
          const sha256 = await streamEntry(
            pack,
            { ...base, name: e.path, type: "file", size },
            item.fh,
            size,
          );
          opts.onFile({ path: e.path, sha256, bytes: size });
        } finally {
          await item.fh.close();
        }
      }
    }
    pack.finalize();
  };
  produce().catch((err) => pack.destroy(err));
  return pack;
}

type Item =
  | SkippedEntry
  | { type: "dir"; entry: DirEntry }
  | { type: "whole"; entry: FileEntry; data: Buffer; sha256: string }
  | { type: "stream"; entry: FileEntry; fh: FileHandle; stat: Stats };

/** Files up to WHOLE are read (and hashed) ahead; a larger one is only opened, and streamed in turn. */
async function load(e: TreeEntry): Promise<Item> {
  if (e.type !== "file") return e.type === "dir" ? { type: "dir", entry: e } : e;
  const opened = await e.open();
  if (!("ok" in opened)) return opened;
  const size = opened.stat.size;
  if (size > WHOLE) return { type: "stream", entry: e, fh: opened.fh, stat: opened.stat };
  try {
    // Exactly what the archive holds is what is hashed: a file grown since fstat is cut at its size.
    const data = await readOpened(opened.fh, size, size);
    return { type: "whole", entry: e, data, sha256: createHash("sha256").update(data).digest("hex") };
  } finally {
    await opened.fh.close();
  }
}

async function dispose(item: Item): Promise<void> {
  if (item.type === "stream") await item.fh.close();
}
