import type { DreamContext, Engine, EngineResult, ProposedOperation } from "./engine.ts";
import { type Entry, normalizeEntry } from "./entries.ts";
import type { Change, Evidence } from "./manifest.ts";
import type { NoteFile } from "./memory-reader.ts";
import { type DateRewrite, rewriteRelativeDates } from "./relative-dates.ts";

/**
 * The embedded engine: deterministic (same input → same operations), no network, no key.
 * v0 rules, in order:
 * 1. normalize: relative dates become absolute, against the day each entry was written;
 * 2. merge: entries equal after normalization (case, emphasis, punctuation, dates) keep one copy.
 * Dates are rewritten first so "deployed yesterday" written on two different days never merges.
 */
export const OFFLINE_ENGINE_VERSION = "0.1.0";

interface Planned {
  entry: Entry;
  after: string[];
  rewrites: { line: number; rewrites: DateRewrite[] }[];
  key: string;
}

const quoteOf = (line: string) => line.trim();
const DAILY = /(?:^|\/)\d{4}-\d{2}-\d{2}[^/]*$/;

/** Which copy of a duplicate survives: a topic file's over an index's over a daily log's, then the first. */
function keepRank(p: Planned): number {
  if (DAILY.test(p.entry.path)) return 2;
  if (/(?:^|\/)(MEMORY|_index)\.md$/i.test(p.entry.path)) return 1;
  return 0;
}

function plan(note: NoteFile, notes: string[]): Planned[] {
  return note.parsed.entries.map((entry) => {
    const rewrites: Planned["rewrites"] = [];
    const after = entry.lines.map((line, i) => {
      if (!entry.writtenOn) {
        if (rewriteRelativeDates(line, "2000-01-01").rewrites.length) {
          notes.push(
            `${entry.path}:${entry.startLine + i}: relative date left as written (no date for this note)`,
          );
        }
        return line;
      }
      const r = rewriteRelativeDates(line, entry.writtenOn);
      if (r.rewrites.length) rewrites.push({ line: entry.startLine + i, rewrites: r.rewrites });
      return r.text;
    });
    return { entry, after, rewrites, key: dedupKey(entry, after) };
  });
}

/**
 * What must be equal for two entries to be duplicates. Numbered items are steps: never merged. Short
 * entries ("None", "TBD", "done") mean something only in their section, so they merge only within it.
 */
function dedupKey(entry: Entry, after: string[]): string {
  if (entry.ordered) return "";
  const norm = normalizeEntry(after);
  if (norm.split(" ").length < 4) return `${entry.path}\0${entry.section}\0${norm}`;
  return norm;
}

/** Remove an entry; a paragraph also takes one following blank line so no double gap is left. */
function removal(p: Planned, lines: string[]): Change {
  const { entry } = p;
  let end = entry.endLine;
  const prevBlank = entry.startLine === 1 || (lines[entry.startLine - 2] ?? "").trim() === "";
  if (entry.kind === "paragraph" && prevBlank && end < lines.length && (lines[end] ?? "").trim() === "")
    end++;
  return {
    path: entry.path,
    startLine: entry.startLine,
    endLine: end,
    before: lines.slice(entry.startLine - 1, end),
    after: [],
  };
}

function memoryEvidence(path: string, line: number, text: string): Evidence {
  return { source: "memory", path, line, quote: quoteOf(text) };
}

export function createOfflineEngine(): Engine {
  return {
    name: "offline",
    version: OFFLINE_ENGINE_VERSION,
    async consolidate(ctx: DreamContext): Promise<EngineResult> {
      const notes: string[] = [];
      const byPath = new Map(ctx.memory.notes.map((n) => [n.path, n]));
      const planned = [...ctx.memory.notes]
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        .flatMap((n) => plan(n, notes));
      ctx.signal.throwIfAborted();

      const groups = new Map<string, Planned[]>();
      for (const p of planned) {
        if (!p.key) continue;
        const g = groups.get(p.key);
        if (g) g.push(p);
        else groups.set(p.key, [p]);
      }
      const removed = new Set<Planned>();
      const merges: ProposedOperation[] = [];
      for (const group of groups.values()) {
        if (group.length < 2) continue;
        const [keep, ...drop] = [...group].sort((a, b) => keepRank(a) - keepRank(b));
        if (!keep) continue;
        for (const d of drop) removed.add(d);
        const where = (p: Planned) => `${p.entry.path}:${p.entry.startLine}`;
        merges.push({
          kind: "merge",
          targets: [...new Set(group.map((p) => p.entry.path))],
          reason: `${group.length} copies of the same entry (equal after folding case, emphasis, punctuation and dates); kept ${where(keep)}, removed ${drop.map(where).join(", ")}`,
          evidence: group.map((p) => memoryEvidence(p.entry.path, p.entry.startLine, p.entry.lines[0] ?? "")),
          changes: drop.map((d) => removal(d, byPath.get(d.entry.path)?.parsed.lines ?? [])),
        });
      }

      const normalizations: ProposedOperation[] = planned
        .filter((p) => p.rewrites.length && !removed.has(p))
        .map((p) => {
          const first = p.rewrites[0];
          const line = first?.line ?? p.entry.startLine;
          const list = p.rewrites.flatMap((r) => r.rewrites.map((w) => `"${w.from}" → "${w.to}"`)).join(", ");
          return {
            kind: "normalize",
            targets: [p.entry.path],
            reason: `relative dates made absolute against ${p.entry.writtenOn} (from the ${p.entry.dateSource} date): ${list}`,
            evidence: [memoryEvidence(p.entry.path, line, p.entry.lines[line - p.entry.startLine] ?? "")],
            changes: [
              {
                path: p.entry.path,
                startLine: p.entry.startLine,
                endLine: p.entry.endLine,
                before: p.entry.lines,
                after: p.after,
              },
            ],
          };
        });

      return { operations: [...merges, ...normalizations], notes };
    },
  };
}
