import type { Change } from "../manifest.ts";

/**
 * Apply non-overlapping line changes (in input coordinates) to a file's lines. Changes are applied from
 * the bottom up so earlier line numbers stay valid.
 */
export function applyChanges(lines: readonly string[], changes: readonly Change[]): string[] {
  const out = [...lines];
  const sorted = [...changes].sort((a, b) => b.startLine - a.startLine || b.endLine - a.endLine);
  for (const c of sorted) out.splice(c.startLine - 1, c.endLine - c.startLine + 1, ...c.after);
  return out;
}

export function joinLines(lines: readonly string[], finalNewline: boolean): string {
  if (lines.length === 0) return "";
  return lines.join("\n") + (finalNewline ? "\n" : "");
}
