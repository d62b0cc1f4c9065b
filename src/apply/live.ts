import { type FileHandle, open, readFile } from "node:fs/promises";
import { assertNoSymlink, resolveInside } from "../fs/paths.ts";
import { readOpened } from "../fs/safe-read.ts";

/** Resolve `rel` inside the memory root, refusing a symlink on the way (what apply, revert and rollback touch). */
async function inside(memoryDir: string, rel: string): Promise<string> {
  const abs = resolveInside(memoryDir, rel);
  await assertNoSymlink(memoryDir, abs);
  return abs;
}

const absentAsNull = (err: NodeJS.ErrnoException) => {
  if (err.code === "ENOENT") return null;
  throw err;
};

/** A memory file's bytes now; null when it does not exist. */
export async function readLive(memoryDir: string, rel: string): Promise<Buffer | null> {
  return readFile(await inside(memoryDir, rel)).catch(absentAsNull);
}

/** A memory file opened for reading; null when it does not exist. */
export async function openLive(memoryDir: string, rel: string): Promise<FileHandle | null> {
  return open(await inside(memoryDir, rel), "r").catch(absentAsNull);
}

/** Everything behind a descriptor, from its start (positional reads: its position does not matter). */
export async function readHeld(fh: FileHandle): Promise<Buffer> {
  return readOpened(fh, (await fh.stat()).size, Number.MAX_SAFE_INTEGER);
}
