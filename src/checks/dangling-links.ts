import { posix } from "node:path";

/**
 * A line that is only a markdown link (an index entry: "- [Title](file.md) — summary") whose target is a
 * relative path missing from the store. URLs, anchors and links to files that exist are not dangling.
 */
const INDEX_LINK = /^\s*(?:(?:[-*+]|\d{1,9}[.)])\s*)?\[[^\]]*\]\(([^)\s]+)\)/;

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A link's target as a store path, relative to the note that holds it: the anchor dropped, %-escapes
 * decoded (a malformed one read as written: it names a file, it must not fail the dream); null for a
 * URL or a bare anchor. Callers decide what else is not a store path (a root-relative "/…").
 */
export function resolveLink(target: string, fromFile: string): string | null {
  if (SCHEME.test(target)) return null;
  const path = target.split("#")[0] ?? "";
  if (!path) return null;
  let clean = path;
  try {
    clean = decodeURIComponent(path);
  } catch {
    // Read as written.
  }
  return posix.normalize(posix.join(posix.dirname(fromFile), clean));
}

export function danglingTarget(line: string, fromFile: string, paths: ReadonlySet<string>): string | null {
  const target = INDEX_LINK.exec(line)?.[1];
  if (!target || target.startsWith("/")) return null;
  const resolved = resolveLink(target, fromFile);
  if (!resolved || resolved.startsWith("..")) return null;
  return paths.has(resolved) ? null : resolved;
}

/**
 * Whether a change removes only index lines whose targets are missing (blank lines, and any line `also`
 * lets pass, aside): the one removal code can justify without a surviving quote.
 */
export function removesOnlyDanglingLinks(
  c: { path: string; before: readonly string[] },
  paths: ReadonlySet<string>,
  also: (line: string) => boolean = () => false,
): boolean {
  return c.before.every((l) => l.trim() === "" || also(l) || danglingTarget(l, c.path, paths) !== null);
}
