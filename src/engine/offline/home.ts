import { resolveLink } from "../../checks/dangling-links.ts";

/**
 * Which copy of a duplicate is the one to keep: the owner's own map of the store decides. A file the
 * index links is a main topic file: its copy is kept. An index (MEMORY.md, _index.md, index.md) is what
 * the agent loads every session: its line is never removed, whichever copy is kept (it may summarise the
 * topic file on purpose). A daily note or an unlinked draft holds the copy that goes (issue 13, class 1).
 */
const INDEX = /(?:^|\/)(?:MEMORY|_index|index)\.md$/i;
const DAILY = /(?:^|\/)\d{4}-\d{2}-\d{2}[^/]*$/;
const LINK = /\]\(([^()\s#]+)(?:#[^()\s]*)?\)|\[\[([^[\]|#]+)/g;

/** Paths (store-relative, normalised) the index notes link to. */
export function linkedFromIndex(notes: readonly { path: string; lines: readonly string[] }[]): Set<string> {
  const linked = new Set<string>();
  for (const n of notes) {
    if (!INDEX.test(n.path)) continue;
    for (const line of n.lines) {
      for (const m of line.matchAll(LINK)) {
        const target = resolveLink(m[1] ?? (m[2] ? `${m[2].trim()}.md` : ""), n.path);
        if (target) linked.add(target);
      }
    }
  }
  return linked;
}

/**
 * Lower is kept first: a topic file, then the index, then any other note, then a daily note. Where there
 * is an index, the files it links are the topic files; without one, every note that is not a daily note.
 */
export const HOME = { topic: 0, index: 1, other: 2, daily: 3 } as const;

export function homeRank(path: string, linked: ReadonlySet<string>): number {
  if (INDEX.test(path)) return HOME.index;
  if (DAILY.test(path)) return HOME.daily;
  return linked.size === 0 || linked.has(path) ? HOME.topic : HOME.other;
}
