import { readdir } from "node:fs/promises";
import { join } from "node:path";

export interface WalkItem {
  /** Posix path relative to the root. */
  path: string;
  abs: string;
  type: "file" | "symlink" | "other";
}

/**
 * Every non-directory below `root`, sorted by path, without following symlinks (they are reported as
 * such, never entered), so nothing outside the root is ever read.
 */
export async function walk(root: string, signal?: AbortSignal): Promise<WalkItem[]> {
  const out: WalkItem[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    signal?.throwIfAborted();
    const dirents = await readdir(dir, { withFileTypes: true });
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of dirents) {
      const rel = prefix ? `${prefix}/${d.name}` : d.name;
      const abs = join(dir, d.name);
      if (d.isDirectory()) await visit(abs, rel);
      else out.push({ path: rel, abs, type: d.isFile() ? "file" : d.isSymbolicLink() ? "symlink" : "other" });
    }
  };
  await visit(root, "");
  return out;
}
