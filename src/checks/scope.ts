/**
 * The two structured lines a dream's instructions may hold, `focus: <glob>…` (the memory paths to
 * consolidate, and no others) and `leave: <glob>…` (paths never to touch). Code enforces them: a change
 * to a path outside focus or inside leave is refused whatever engine proposed it. They only narrow what
 * a dream may change; nothing in the instructions loosens a check.
 */

/** Most characters of a dream's instructions (what Managed Agents Dreams accept). */
export const MAX_INSTRUCTIONS = 4_096;

export interface Scope {
  focus: readonly string[];
  leave: readonly string[];
}

export const NO_SCOPE: Scope = { focus: [], leave: [] };

/** The focus and leave globs of `instructions` (each line `focus:` / `leave:`, globs split on space or comma). */
export function scopeOf(instructions: string | undefined): Scope {
  const focus: string[] = [];
  const leave: string[] = [];
  for (const raw of (instructions ?? "").split("\n")) {
    const line = raw.trim();
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (key !== "focus" && key !== "leave") continue;
    const globs = line
      .slice(colon + 1)
      .split(/[\s,]+/)
      .map((g) => g.replace(/^\.\//, ""))
      .filter(Boolean);
    (key === "focus" ? focus : leave).push(...globs);
  }
  return { focus, leave };
}

/**
 * Whether `path` matches `glob`: `*` any characters but `/`, `**` any (slashes too), `?` one character
 * but `/`. A glob without wildcards, or ending in `/`, names a file or a folder and all below it.
 * Matched by dynamic programming, not a RegExp built at run time: linear in path × glob, no backtracking.
 */
export function matchesGlob(path: string, glob: string): boolean {
  const g = glob.endsWith("/") ? glob.slice(0, -1) : glob;
  if (!/[*?]/.test(g)) return path === g || path.startsWith(`${g}/`);
  return matchRaw(path, g) || matchRaw(path, `${g}/**`);
}

/** Glob matching over characters; `**` crosses `/`. */
function matchRaw(s: string, p: string): boolean {
  // reach[j]: the first i characters of s can match the first j characters of p
  let reach = new Array<boolean>(p.length + 1).fill(false);
  reach[0] = true;
  const star = (j: number) => p[j] === "*" && p[j + 1] === "*";
  const closeStars = (row: boolean[]) => {
    for (let j = 0; j < p.length; j++) {
      if (!row[j] || p[j] !== "*") continue;
      if (!star(j)) row[j + 1] = true;
      else {
        row[j + 2] = true;
        if (p[j + 2] === "/") row[j + 3] = true; // "**/" may match no folder at all
      }
    }
  };
  closeStars(reach);
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const next = new Array<boolean>(p.length + 1).fill(false);
    for (let j = 0; j < p.length; j++) {
      if (!reach[j]) continue;
      if (star(j)) next[j] = true;
      else if (p[j] === "*") {
        if (c !== "/") next[j] = true;
      } else if ((p[j] === "?" && c !== "/") || p[j] === c) next[j + 1] = true;
    }
    closeStars(next);
    reach = next;
  }
  return reach[p.length] === true;
}

/** Why the instructions keep a dream from changing `path`, or null when they do not. */
export function outsideScope(path: string, scope: Scope): string | null {
  const left = scope.leave.find((g) => matchesGlob(path, g));
  if (left) return `${path} is under "leave: ${left}" in the dream's instructions`;
  if (scope.focus.length && !scope.focus.some((g) => matchesGlob(path, g))) {
    return `${path} is outside "focus: ${scope.focus.join(" ")}" in the dream's instructions`;
  }
  return null;
}
