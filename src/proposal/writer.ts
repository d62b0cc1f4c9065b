import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { DreamError } from "../errors.ts";
import { fsyncDir, sha256, writeFileAtomic } from "../fs/atomic.ts";
import { jsonChunks } from "../fs/json-chunks.ts";
import { resolveInside } from "../fs/paths.ts";
import { openInside, type TreeFs } from "../fs/safe-tree.ts";
import type { Change, Manifest, Operation } from "../manifest.ts";
import type { MemoryStore } from "../memory/reader.ts";
import { digestTap } from "../snapshot/create.ts";
import { applyChanges, joinLines } from "./apply-changes.ts";
import { renderReport } from "./report.ts";
import { unifiedDiff } from "./unified-diff.ts";

export interface WriteProposalInput {
  proposalsDir: string;
  dreamId: string;
  memory: MemoryStore;
  operations: readonly Operation[];
  /** sha256 of each input file as snapshotted: a file copied into the store must still match. */
  baseHashes: ReadonlyMap<string, string>;
  manifest: Omit<Manifest, "output">;
  signal?: AbortSignal;
  fs?: TreeFs;
}

export const partialDirOf = (proposalsDir: string, dreamId: string) =>
  join(proposalsDir, `.partial-${dreamId}`);

/**
 * Copy a file the engine may not edit, byte for byte, and prove it is the snapshotted one. It is opened
 * through safe-tree below the memory root, so a directory swapped for a link meanwhile cannot bring an
 * outside file in (and a file gone or made unreadable since the read fails the copy, never the memory).
 */
async function copyOpaque(
  root: string,
  path: string,
  dest: string,
  expected: string | undefined,
  fs?: TreeFs,
): Promise<number> {
  const opened = await openInside(root, path, fs ? { fs } : {});
  if (!("ok" in opened)) throw new DreamError(`output: cannot copy ${path}: ${opened.error}`);
  let got = "";
  let bytes = 0;
  await pipeline(
    createReadStream("", { fd: opened.fh, start: 0 }),
    digestTap((sha, n) => {
      got = sha;
      bytes = n;
    }),
    createWriteStream(dest, { flags: "wx" }),
  );
  if (got !== expected)
    throw new DreamError(`output: ${path} changed during the dream (snapshot no longer matches)`);
  return bytes;
}

/** manifest.json as JSON.stringify(manifest, null, 2) and a newline would write it, in pieces. */
function* manifestText(manifest: Manifest): Generator<string> {
  yield* jsonChunks(manifest);
  yield "\n";
}

/**
 * Write `<proposals>/<dreamId>/` with store/, manifest.json, diff.patch and report.md. It is built
 * under `.partial-<dreamId>` and renamed into place, so a proposal directory is always complete.
 */
export async function writeProposal(input: WriteProposalInput): Promise<{ dir: string; manifest: Manifest }> {
  const partial = partialDirOf(input.proposalsDir, input.dreamId);
  const final = join(input.proposalsDir, input.dreamId);
  const storeDir = join(partial, "store");
  await mkdir(storeDir, { recursive: true });
  try {
    const byPath = new Map<string, Change[]>();
    for (const op of input.operations) {
      for (const c of op.changes) byPath.set(c.path, [...(byPath.get(c.path) ?? []), c]);
    }
    const files: Manifest["output"]["files"] = [];
    const diffs: { path: string; before: string | null; after: string | null }[] = [];
    const put = async (path: string, data: string) => {
      const dest = resolveInside(storeDir, path);
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, data, { flag: "wx" });
      files.push({ path, sha256: sha256(data), bytes: Buffer.byteLength(data) });
    };
    const notePaths = new Set(input.memory.notes.map((n) => n.path));
    for (const note of input.memory.notes) {
      input.signal?.throwIfAborted();
      const changes = byPath.get(note.path);
      const text = changes
        ? joinLines(applyChanges(note.parsed.lines, changes), note.finalNewline)
        : note.text;
      await put(note.path, text);
      if (text !== note.text) diffs.push({ path: note.path, before: note.text, after: text });
    }
    for (const [path, changes] of byPath) {
      if (notePaths.has(path)) continue;
      const text = joinLines(applyChanges([], changes), true);
      await put(path, text);
      diffs.push({ path, before: null, after: text });
    }
    for (const f of input.memory.opaque) {
      input.signal?.throwIfAborted();
      const dest = resolveInside(storeDir, f.path);
      await mkdir(dirname(dest), { recursive: true });
      const expected = input.baseHashes.get(f.path);
      const bytes = await copyOpaque(input.memory.root, f.path, dest, expected, input.fs);
      files.push({ path: f.path, sha256: expected ?? "", bytes });
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    diffs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const skipped = input.memory.skipped ?? [];
    const manifest: Manifest = {
      ...input.manifest,
      output: { files, changed: diffs.map((d) => d.path), ...(skipped.length ? { skipped } : {}) },
    };
    await writeFile(join(partial, "diff.patch"), unifiedDiff(diffs));
    await writeFile(join(partial, "report.md"), renderReport(manifest));
    await writeFileAtomic(join(partial, "manifest.json"), manifestText(manifest));
    await fsyncDir(partial);
    await rename(partial, final);
    await fsyncDir(input.proposalsDir);
    return { dir: final, manifest };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}
