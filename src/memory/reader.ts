import { join } from "node:path";
import { sha256 } from "../fs/atomic.ts";
import { readOpened } from "../fs/safe-read.ts";
import { type TreeFs, walkTree } from "../fs/safe-tree.ts";
import { binaryReason } from "../fs/text-file.ts";
import { type ParsedText, parseEntries } from "./entries.ts";

export interface Problem {
  source: "memory" | "session";
  path: string;
  error: string;
}

/** A memory file dreamd can reason about: UTF-8 Markdown or text within the size limit. */
export interface NoteFile {
  path: string;
  sha256: string;
  bytes: number;
  text: string;
  finalNewline: boolean;
  parsed: ParsedText;
  /** The file's mtime as YYYY-MM-DD: the last resort for dating its entries. */
  mtimeDay: string | null;
}

/** Any other regular file: carried into the proposal byte for byte, never edited. */
export interface OpaqueFile {
  path: string;
  /** For messages only: the copy opens `path` below the root through safe-tree, never this path. */
  abs: string;
  bytes: number;
  reason: string;
}

/** Something in the memory dir that the proposed store leaves out, and is not a deletion. */
export interface SkippedPath {
  path: string;
  reason: string;
}

export interface MemoryStore {
  root: string;
  notes: NoteFile[];
  opaque: OpaqueFile[];
  problems: Problem[];
  /**
   * Symlinks, special files and what could not be read: not in store/, still in the memory dir.
   * Whoever applies a proposal must keep them (absent in stores built by hand, e.g. in tests).
   */
  skipped?: SkippedPath[];
}

const NOTE_EXT = /\.(md|markdown|txt)$/i;

export interface ReadMemoryOptions {
  maxFileBytes: number;
  signal?: AbortSignal;
  fs?: TreeFs;
}

/**
 * Read the memory dir through safe-tree: no link is followed on any component, nothing but regular
 * files is opened, and what cannot be read is reported and skipped instead of failing the dream.
 * Nothing here writes.
 */
export async function readMemory(root: string, opts: ReadMemoryOptions): Promise<MemoryStore> {
  const store: MemoryStore = { root, notes: [], opaque: [], problems: [], skipped: [] };
  const skip = (path: string, reason: string) => {
    store.problems.push({ source: "memory", path, error: `${reason}, not copied` });
    store.skipped?.push({ path, reason });
  };
  for await (const item of walkTree(root, { signal: opts.signal, ...(opts.fs ? { fs: opts.fs } : {}) })) {
    opts.signal?.throwIfAborted();
    if (item.type === "dir") continue;
    if (item.type === "skipped") {
      skip(item.path, item.error);
      continue;
    }
    // Opened even when not read: an opaque file that cannot be opened would fail the copy later.
    const opened = await item.open();
    if (!("ok" in opened)) {
      skip(item.path, opened.error);
      continue;
    }
    const abs = join(root, item.path);
    try {
      const size = opened.stat.size;
      const hidden = item.path.split("/").some((p) => p.startsWith("."));
      if (!NOTE_EXT.test(item.path) || hidden) {
        store.opaque.push({ path: item.path, abs, bytes: size, reason: "not a note" });
        continue;
      }
      if (size > opts.maxFileBytes) {
        const reason = `too large (${size} bytes > ${opts.maxFileBytes})`;
        store.problems.push({ source: "memory", path: item.path, error: `${reason}: copied unchanged` });
        store.opaque.push({ path: item.path, abs, bytes: size, reason });
        continue;
      }
      const data = await readOpened(opened.fh, size, opts.maxFileBytes + 1);
      const bad =
        data.length > opts.maxFileBytes
          ? `too large (grew past ${opts.maxFileBytes} bytes)`
          : binaryReason(data);
      if (bad) {
        store.problems.push({ source: "memory", path: item.path, error: `${bad}: copied unchanged` });
        store.opaque.push({ path: item.path, abs, bytes: data.length, reason: bad });
        continue;
      }
      const text = data.toString("utf8");
      store.notes.push({
        path: item.path,
        sha256: sha256(data),
        bytes: data.length,
        text,
        finalNewline: text.endsWith("\n"),
        parsed: parseEntries(item.path, text),
        mtimeDay: new Date(opened.stat.mtimeMs).toISOString().slice(0, 10),
      });
    } finally {
      await opened.fh.close();
    }
  }
  return store;
}
