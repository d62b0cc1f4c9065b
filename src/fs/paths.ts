import { lstat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { PathError } from "../errors.ts";

/**
 * Resolve `rel` inside `root`, refusing absolute paths, `..` escapes and NUL bytes.
 * Returns the absolute path; the check is lexical (see `assertNoSymlink` for the filesystem half).
 */
export function resolveInside(root: string, rel: string): string {
  if (rel.includes("\0")) throw new PathError(`path refused: ${JSON.stringify(rel)} contains a NUL byte`);
  if (isAbsolute(rel)) throw new PathError(`path refused: ${rel} is absolute`);
  const base = resolve(root);
  const abs = resolve(base, rel);
  const back = relative(base, abs);
  if (back === "" || back === ".." || back.startsWith(`..${sep}`) || isAbsolute(back)) {
    throw new PathError(`path refused: ${rel} resolves outside ${base}`);
  }
  return abs;
}

/** Posix-style relative path of `abs` under `root` (stable across platforms, used in manifests). */
export function toPosixRelative(root: string, abs: string): string {
  return relative(root, abs).split(sep).join("/");
}

/** Refuse any symlink between root (exclusive) and abs (inclusive): we never follow links out of a root. */
export async function assertNoSymlink(root: string, abs: string): Promise<void> {
  const rel = relative(resolve(root), abs).split(sep);
  let cur = resolve(root);
  for (const part of rel) {
    cur = resolve(cur, part);
    const st = await lstat(cur).catch(() => null);
    if (st?.isSymbolicLink()) throw new PathError(`path refused: ${cur} is a symlink`);
    if (!st) return;
  }
}
