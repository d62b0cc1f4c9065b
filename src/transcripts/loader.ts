import { stat } from "node:fs/promises";
import { errorMessage } from "../errors.ts";
import { sha256 } from "../fs-atomic.ts";
import type { Problem } from "../memory-reader.ts";
import { binaryReason, readRegularFile } from "../text-file.ts";
import { walk } from "../walk.ts";
import type { FormatRegistry } from "./registry.ts";
import type { Session } from "./session.ts";

export interface Candidate {
  path: string;
  abs: string;
  mtimeMs: number;
  bytes: number;
}

/** Transcript files under `dir`, newest first (mtime, then path), that some format claims. */
export async function listTranscripts(
  dir: string,
  registry: FormatRegistry,
  signal?: AbortSignal,
): Promise<Candidate[]> {
  const items = await walk(dir, signal);
  const out: Candidate[] = [];
  for (const item of items) {
    if (item.type !== "file" || item.path.split("/").some((p) => p.startsWith("."))) continue;
    if (!registry.forFile(item.path)) continue;
    const st = await stat(item.abs);
    out.push({ path: item.path, abs: item.abs, mtimeMs: st.mtimeMs, bytes: st.size });
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : 1));
}

export interface LoadOptions {
  dir: string;
  registry: FormatRegistry;
  maxSessions: number;
  maxBytes: number;
  /** sha256 of transcripts consumed by earlier dreams: a touched-but-unchanged file is not new. */
  processed: ReadonlySet<string>;
  signal?: AbortSignal;
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
  const result: LoadResult = { sessions: [], problems: [], consumed: [], deferred: 0 };
  const candidates = await listTranscripts(opts.dir, opts.registry, opts.signal);
  let taken = 0;
  for (const c of candidates) {
    opts.signal?.throwIfAborted();
    const problem = (error: string) => result.problems.push({ source: "session", path: c.path, error });
    let read: Awaited<ReturnType<typeof readRegularFile>>;
    try {
      read = await readRegularFile(c.abs, opts.maxBytes);
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
