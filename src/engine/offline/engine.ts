import { type Lexicon, loadLexicon } from "../../text/lexicon/lexicon.ts";
import type { DreamContext, Engine, EngineResult, ProposedOperation } from "../engine.ts";
import { possibleDuplicates } from "./candidates.ts";
import { evidenceOf, type Planned, plan } from "./plan.ts";
import { closedTodos } from "./rules/closed-todos.ts";
import { danglingIndexLinks } from "./rules/dangling-index-links.ts";
import { exactMerges, nearMerges } from "./rules/duplicates.ts";
import { expiredDeadlines } from "./rules/expired-deadlines.ts";
import { patterns } from "./rules/patterns.ts";
import { removedReferences } from "./rules/removed-references.ts";
import { supersedes } from "./rules/supersede.ts";

/**
 * The embedded engine: deterministic (same input → same operations), no network, no key. Rules, in order:
 * 1. normalize: relative dates become absolute, against the day each entry was written — first, so
 *    "deployed yesterday" written on two different days never merges;
 * 2. merge: exact/normalized duplicates, then near-duplicates and contained wordings (rules/duplicates),
 *    never across a swap of opposites or alternatives (lexicon);
 * 3. supersede: one slot, different values, the latest written wins (rules/supersede); prune: an open
 *    TODO that a later session reports done (rules/closed-todos), entries about something a later session
 *    says was removed (rules/removed-references), expired deadlines and dangling index links;
 * 4. create: an instruction the user repeated in ≥ 3 sessions becomes a feedback note (rules/patterns);
 * 5. list, not merge: entries about one rare subject in other words (candidates), for review.
 * Every operation cites its evidence; code checks all of it again before anything reaches a proposal.
 */
export const OFFLINE_ENGINE_VERSION = "0.3.0";

function normalizations(planned: readonly Planned[], removed: ReadonlySet<Planned>): ProposedOperation[] {
  return planned
    .filter((p) => p.rewrites.length && !removed.has(p))
    .map((p) => {
      const line = p.rewrites[0]?.line ?? p.entry.startLine;
      const list = p.rewrites.flatMap((r) => r.rewrites.map((w) => `"${w.from}" → "${w.to}"`)).join(", ");
      return {
        kind: "normalize" as const,
        targets: [p.entry.path],
        reason: `relative dates made absolute against ${p.entry.writtenOn} (from the ${p.entry.dateSource} date): ${list}`,
        evidence: [{ ...evidenceOf(p), line, quote: (p.entry.lines[line - p.entry.startLine] ?? "").trim() }],
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
}

export interface OfflineEngineOptions {
  /** The word knowledge near-duplicate merging needs; loaded on the first dream by default. */
  lexicon?: () => Promise<Lexicon>;
}

export function createOfflineEngine(opts: OfflineEngineOptions = {}): Engine {
  let lexicon: Promise<Lexicon> | null = null;
  return {
    name: "offline",
    version: OFFLINE_ENGINE_VERSION,
    async consolidate(ctx: DreamContext): Promise<EngineResult> {
      const notes: string[] = [];
      const planned = [...ctx.memory.notes]
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        .flatMap((n) => plan(n, n.mtimeDay, notes));
      ctx.signal.throwIfAborted();
      const removed = new Set<Planned>();
      lexicon ??= (opts.lexicon ?? loadLexicon)();
      const words = await lexicon;
      const ops = [...exactMerges(planned, removed), ...nearMerges(planned, removed, words)];
      ctx.signal.throwIfAborted();
      ops.push(...supersedes(planned, removed, notes));
      ops.push(...closedTodos(planned, removed, ctx.sessions));
      ops.push(...removedReferences(planned, removed, ctx.sessions));
      const paths = new Set([
        ...ctx.memory.notes.map((n) => n.path),
        ...ctx.memory.opaque.map((f) => f.path),
      ]);
      ops.push(...danglingIndexLinks(planned, removed, paths));
      ops.push(...expiredDeadlines(planned, removed, ctx.now));
      ops.push(...normalizations(planned, removed));
      const index = ctx.memory.notes.find((n) => n.path === "MEMORY.md");
      ops.push(
        ...patterns(
          ctx.sessions,
          planned.filter((p) => !removed.has(p)),
          new Set([...ctx.memory.notes.map((n) => n.path), ...ctx.memory.opaque.map((f) => f.path)]),
          index ? index.parsed.lines : null,
        ),
      );
      const { candidates, more } = possibleDuplicates(planned, removed);
      if (more)
        notes.push(
          `${more} more possible duplicates not listed (the ${candidates.length} with the rarest shared words are)`,
        );
      return { operations: ops, notes, candidates };
    },
  };
}
