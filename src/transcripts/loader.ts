import { join } from "node:path";
import { errorMessage } from "../errors.ts";
import { sha256 } from "../fs-atomic.ts";
import type { Problem } from "../memory-reader.ts";
import { type InsideRead, readInside } from "../safe-read.ts";
import { type TreeFs, walkTree } from "../safe-tree.ts";
import { binaryReason } from "../text-file.ts";
import type { FormatRegistry } from "./registry.ts";
import type { Session } from "./session.ts";

export interface Candidate {
  path: string;
  /** For messages only: reads go through safe-tree below the sessions dir, never by this path. */
  abs: string;
  mtimeMs: number;
  bytes: number;
}

const hidden = (path: string) => path.split("/").some((p) => p.startsWith("."));

/**
 * Transcript files under `dir`, newest first (mtime, then path), that some format claims, and the
 * entries that could not be looked at (unreadable directories, FIFOs, sockets, devices, symlinks).
 */
export async function scanTranscripts(
  dir: string,
  registry: FormatRegistry,
  opts: { signal?: AbortSignal; fs?: TreeFs } = {},
): Promise<{ candidates: Candidate[]; problems: Problem[] }> {
  const candidates: Candidate[] = [];
  const problems: Problem[] = [];
  for await (const item of walkTree(dir, opts)) {
    if (item.type === "dir" || hidden(item.path)) continue;
    if (item.type === "skipped") {
      problems.push({ source: "session", path: item.path, error: item.error });
      continue;
    }
    if (!registry.forFile(item.path)) continue;
    candidates.push({
      path: item.path,
      abs: join(dir, item.path),
      mtimeMs: item.stat.mtimeMs,
      bytes: item.stat.size,
    });
  }
  candidates.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : 1));
  return { candidates, problems };
}

/** Transcript files under `dir`, newest first, that some format claims. */
export async function listTranscripts(
  dir: string,
  registry: FormatRegistry,
  signal?: AbortSignal,
): Promise<Candidate[]> {
  return (await scanTranscripts(dir, registry, signal ? { signal } : {})).candidates;
}

export interface LoadOptions {
  dir: string;
  registry: FormatRegistry;
  maxSessions: number;
  maxBytes: number;
  /** sha256 of transcripts consumed by earlier dreams: a touched-but-unchanged file is not new. */
  processed: ReadonlySet<string>;
  signal?: AbortSignal;
  fs?: TreeFs;
}

export interface LoadResult {
  /** Parsed sessions, oldest first. */
  sessions: Session[];
  problems: Problem[];
  /** sha256 of every file consumed (parsed or reported), to add to the ledger. */
  consumed: string[];
  /** Unprocessed files left for a later dream because of maxSessions. */
  deferred: number;
}

/** Pick the newest ≤ maxSessions unprocessed transcripts and parse them; a bad file is reported, never fatal. */
export async function loadSessions(opts: LoadOptions): Promise<LoadResult> {
  const tree = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.fs ? { fs: opts.fs } : {}) };
  const { candidates, problems } = await scanTranscripts(opts.dir, opts.registry, tree);
  const result: LoadResult = { sessions: [], problems, consumed: [], deferred: 0 };
  let taken = 0;
  for (const c of candidates) {
    opts.signal?.throwIfAborted();
    const problem = (error: string) => result.problems.push({ source: "session", path: c.path, error });
    let read: InsideRead;
    try {
      read = await readInside(opts.dir, c.path, opts.maxBytes, tree);
    } catch (err) {
      problem(`cannot read: ${errorMessage(err)}`);
      continue;
    }
    if (!read.ok) {
      problem(read.error);
      continue;
    }
    const hash = sha256(read.data);
    if (opts.processed.has(hash)) continue;
    if (taken >= opts.maxSessions) {
      result.deferred++;
      continue;
    }
    taken++;
    result.consumed.push(hash);
    if (read.size === 0) {
      problem("empty file (0 bytes)");
      continue;
    }
    const bad = binaryReason(read.data);
    if (bad) {
      problem(bad);
      continue;
    }
    // biome-ignore lint/style/noNonNullAssertion: listTranscripts kept only claimed files
    const format = opts.registry.forFile(c.path)!;
    try {
      const parsed = format.parse(read.data.toString("utf8"), c.path);
      for (const w of parsed.warnings) problem(w);
      result.sessions.push({
        ...parsed,
        id: c.path,
        format: format.name,
        sha256: hash,
        bytes: read.size,
        mtimeMs: c.mtimeMs,
      });
    } catch (err) {
      problem(`${format.name}: ${errorMessage(err)}`);
    }
  }
  result.sessions.sort(
    (a, b) =>
      (a.startedAt ?? new Date(a.mtimeMs).toISOString()).localeCompare(
        b.startedAt ?? new Date(b.mtimeMs).toISOString(),
      ) || a.id.localeCompare(b.id),
  );
  return result;
}
