import { lstat } from "node:fs/promises";
import { type ParsedText, parseEntries } from "./entries.ts";
import { sha256 } from "./fs-atomic.ts";
import { binaryReason, readRegularFile } from "./text-file.ts";
import { walk } from "./walk.ts";

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
  abs: string;
  bytes: number;
  reason: string;
}

export interface MemoryStore {
  root: string;
  notes: NoteFile[];
  opaque: OpaqueFile[];
  problems: Problem[];
}

const NOTE_EXT = /\.(md|markdown|txt)$/i;

export interface ReadMemoryOptions {
  maxFileBytes: number;
  signal?: AbortSignal;
}

/** Read the memory dir with ordinary file calls. Nothing here writes. */
export async function readMemory(root: string, opts: ReadMemoryOptions): Promise<MemoryStore> {
  const store: MemoryStore = { root, notes: [], opaque: [], problems: [] };
  for (const item of await walk(root, opts.signal)) {
    opts.signal?.throwIfAborted();
    if (item.type === "symlink") {
      store.problems.push({ source: "memory", path: item.path, error: "symlink: not followed, not copied" });
      continue;
    }
    if (item.type === "other") {
      store.problems.push({ source: "memory", path: item.path, error: "not a regular file: skipped" });
      continue;
    }
    const hidden = item.path.split("/").some((p) => p.startsWith("."));
    if (!NOTE_EXT.test(item.path) || hidden) {
      const st = await lstat(item.abs);
      store.opaque.push({ path: item.path, abs: item.abs, bytes: st.size, reason: "not a note" });
      continue;
    }
    const r = await readRegularFile(item.abs, opts.maxFileBytes);
    if (!r.ok) {
      store.problems.push({ source: "memory", path: item.path, error: `${r.error}: copied unchanged` });
      store.opaque.push({ path: item.path, abs: item.abs, bytes: r.size, reason: r.error });
      continue;
    }
    const bad = binaryReason(r.data);
    if (bad) {
      store.problems.push({ source: "memory", path: item.path, error: `${bad}: copied unchanged` });
      store.opaque.push({ path: item.path, abs: item.abs, bytes: r.size, reason: bad });
      continue;
    }
    const text = r.data.toString("utf8");
    store.notes.push({
      path: item.path,
      sha256: sha256(r.data),
      bytes: r.size,
      text,
      finalNewline: text.endsWith("\n"),
      parsed: parseEntries(item.path, text),
      mtimeDay: new Date(r.mtimeMs).toISOString().slice(0, 10),
    });
  }
  return store;
}
