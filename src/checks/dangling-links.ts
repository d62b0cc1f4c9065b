import { posix } from "node:path";

/**
 * A line that is only a markdown link (an index entry: "- [Title](file.md) — summary") whose target is a
 * relative path missing from the store. URLs, anchors and links to files that exist are not dangling.
 */
const INDEX_LINK = /^\s*(?:(?:[-*+]|\d{1,9}[.)])\s*)?\[[^\]]*\]\(([^)\s]+)\)/;

export function danglingTarget(line: string, fromFile: string, paths: ReadonlySet<string>): string | null {
  const target = INDEX_LINK.exec(line)?.[1];
  if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#") || target.startsWith("/"))
    return null;
  const clean = decodeURIComponent(target.split("#")[0] ?? "");
  if (!clean) return null;
  const resolved = posix.normalize(posix.join(posix.dirname(fromFile), clean));
  if (resolved.startsWith("..")) return null;
  return paths.has(resolved) ? null : resolved;
}
