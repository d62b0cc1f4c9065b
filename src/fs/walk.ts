import { join } from "node:path";
import { walkTree } from "./safe-tree.ts";

export interface WalkItem {
  /** Posix path relative to the root. */
  path: string;
  abs: string;
  type: "file" | "symlink" | "other";
}

/**
 * Every non-directory below `root`, sorted by path, without following symlinks (they are reported as
 * such, never entered), so nothing outside the root is ever listed. A listing only (tests, benches):
 * dreamd's own reads open files through safe-tree, never by `abs`.
 */
export async function walk(root: string, signal?: AbortSignal): Promise<WalkItem[]> {
  const out: WalkItem[] = [];
  for await (const e of walkTree(root, signal ? { signal } : {})) {
    if (e.type === "dir") continue;
    const type = e.type === "file" ? "file" : e.kind === "symlink" ? "symlink" : "other";
    out.push({ path: e.path, abs: join(root, e.path), type });
  }
  return out;
}
