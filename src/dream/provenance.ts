import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { DREAM_ID } from "../proposal/dream-id.ts";

/** How many of the newest proposals a dream reads for the lines earlier dreams wrote. */
const RECENT = 20;
const MAX_MANIFEST_BYTES = 64 << 20;

interface Written {
  operations?: { changes?: { before?: unknown; after?: unknown }[] }[];
}

const lineSet = (v: unknown) =>
  new Set(Array.isArray(v) ? v.filter((l): l is string => typeof l === "string").map((l) => l.trim()) : []);

/**
 * The lines earlier dreams wrote (a date made absolute, a new note's lines), from the newest proposals'
 * manifests: a line in a change's `after` that its `before` did not hold. A dream never removes or
 * rewrites such a line (issue 13, class 7: a second dream pruned what the first dream's rewrite had
 * produced): an error in an unreviewed change must not be built on. Unreadable manifests are skipped;
 * the dream's own manifest check lists them as broken.
 */
export async function linesWrittenByDreams(proposalsDir: string, recent = RECENT): Promise<Set<string>> {
  const names = await readdir(proposalsDir).catch(() => [] as string[]);
  const ids = names
    .filter((n) => DREAM_ID.test(n))
    .sort()
    .slice(-recent);
  const written = new Set<string>();
  for (const id of ids) {
    const path = join(proposalsDir, id, "manifest.json");
    const size = (await stat(path).catch(() => null))?.size ?? 0;
    if (!size || size > MAX_MANIFEST_BYTES) continue;
    let m: Written;
    try {
      m = JSON.parse(await readFile(path, "utf8")) as Written;
    } catch {
      continue;
    }
    for (const op of m.operations ?? []) {
      for (const c of op.changes ?? []) {
        const before = lineSet(c.before);
        for (const l of lineSet(c.after)) if (l && !before.has(l)) written.add(l);
      }
    }
  }
  return written;
}
