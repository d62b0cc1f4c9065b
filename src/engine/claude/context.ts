import type { Evidence } from "../../manifest.ts";
import type { MemoryStore } from "../../memory/reader.ts";

/** Lines shown on each side of a cited line: enough to see its list, lead-in and neighbours. */
const AROUND = 2;
const MAX_LINE = 300;

/**
 * A cited memory line as a reviewer sees it (issue 13): its heading path, where its date comes from, and
 * the lines around it, the cited one marked. Without them a model judges "Follow-up: 7 days" under two job
 * applications, or a label whose subject is its heading, the way word overlap does.
 */
export function memoryContext(ev: Extract<Evidence, { source: "memory" }>, memory: MemoryStore): string {
  const note = memory.notes.find((n) => n.path === ev.path);
  if (!note) return `${ev.path}:${ev.line}: (not in the store)`;
  const entry = note.parsed.entries.find((e) => e.startLine <= ev.line && ev.line <= e.endLine);
  // A file's mtime is when it was copied, not when a fact was written: say so rather than date by it.
  const written = entry?.writtenOn
    ? `written ${entry.writtenOn}, from the ${entry.dateSource === "inline" ? "line's stamp" : entry.dateSource}`
    : "no written-on date";
  const under = entry?.section ? ` under "${entry.section}"` : "";
  const lines = note.parsed.lines;
  const from = Math.max(1, ev.line - AROUND);
  const to = Math.min(lines.length, ev.line + AROUND);
  const shown: string[] = [];
  for (let l = from; l <= to; l++) {
    shown.push(
      `${l === ev.line ? ">" : " "} ${String(l).padStart(5)} | ${(lines[l - 1] ?? "").slice(0, MAX_LINE)}`,
    );
  }
  return `${ev.path}:${ev.line}${under} (${written}):\n${shown.join("\n")}`;
}
