import { outsideScope, scopeOf } from "../../checks/scope.ts";
import type { ReviewItem } from "../../manifest.ts";
import { type Lexicon, loadLexicon } from "../../text/lexicon/lexicon.ts";
import type { Candidate, DreamContext, Engine, EngineResult, ProposedOperation } from "../engine.ts";
import { possibleDuplicates, restatements } from "./candidates.ts";
import { takeEmptiedHeadings } from "./headings.ts";
import { linkedFromIndex } from "./home.ts";
import { isLeadIn, type Planned, plan } from "./plan.ts";
import { RULES, type RuleContext } from "./rules/index.ts";
import { typedSentences } from "./said.ts";

/**
 * The embedded engine: deterministic (same input → same operations), no network, no key. It plans the
 * store (relative dates made absolute, the forms rules compare), runs each rule of rules/index.ts in
 * order (normalize, merge, supersede, prune, create: the order and its reason are written there), then
 * lists what may be one fact in other words (candidates.ts) without merging it. Every operation cites its
 * evidence; code checks all of it again before anything reaches a proposal.
 */
export const OFFLINE_ENGINE_VERSION = "0.3.0";
const MAX_CANDIDATES = 200;
const MAX_REVIEW_PER_KIND = 50;

/**
 * A review list a person can read: each finding once (two rules may find one contradiction), the first
 * MAX_REVIEW_PER_KIND of each kind, the rest counted.
 */
function capped(items: readonly ReviewItem[], notes: string[]): ReviewItem[] {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  const out = items.filter((r) => {
    const key = `${r.kind}|${r.evidence
      .map((e) => (e.source === "memory" ? `${e.path}:${e.line}` : `${e.session}#${e.index}`))
      .sort()
      .join("|")}`;
    if (found.has(key)) return false;
    found.add(key);
    const n = (seen.get(r.kind) ?? 0) + 1;
    seen.set(r.kind, n);
    return n <= MAX_REVIEW_PER_KIND;
  });
  for (const [kind, n] of seen) {
    if (n > MAX_REVIEW_PER_KIND)
      notes.push(
        `${n - MAX_REVIEW_PER_KIND} more ${kind} findings not listed (the first ${MAX_REVIEW_PER_KIND} are)`,
      );
  }
  return out;
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
      const vocabulary = new Map<string, string>();
      const linked = linkedFromIndex(ctx.memory.notes.map((n) => ({ path: n.path, lines: n.parsed.lines })));
      const planned = [...ctx.memory.notes]
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        .flatMap((n) => plan(n, n.mtimeDay, notes, vocabulary, linked))
        // Code, tables, html, blockquotes and frontmatter are not the agent's prose, and a lead-in
        // ("**2026-03-22:**" over a list) is structure, not a fact: no rule touches them.
        .filter((p) => p.entry.block === null && !isLeadIn(p));
      ctx.signal.throwIfAborted();
      const removed = new Set<Planned>();
      const files = new Map(ctx.memory.notes.map((n) => [n.path, n.parsed.lines]));
      lexicon ??= (opts.lexicon ?? loadLexicon)();
      const rules: RuleContext = {
        planned,
        removed,
        // What earlier dreams wrote is not built on (code refuses it anyway).
        held: new Set(
          ctx.written?.size
            ? planned.filter((p) => p.entry.lines.some((l) => ctx.written?.has(l.trim())))
            : [],
        ),
        files,
        typed: typedSentences(ctx.sessions),
        seenSince: ctx.seenSince ?? new Map(),
        now: ctx.now,
        paths: new Set([...ctx.memory.notes.map((n) => n.path), ...ctx.memory.opaque.map((f) => f.path)]),
        index: ctx.memory.notes.find((n) => n.path === "MEMORY.md")?.parsed.lines ?? null,
        lexicon: await lexicon,
        notes,
        possible: [],
        review: [],
      };
      const ops: ProposedOperation[] = [];
      for (const rule of RULES) {
        ctx.signal.throwIfAborted();
        for (const op of rule.run(rules)) ops.push({ ...op, rule: rule.name });
      }
      const other = possibleDuplicates(planned, removed);
      // The rules' alike pairs first, then pairs on a rare shared word, then a note restating itself
      // (with a budget of its own, so a large store's cross-file pairs do not crowd it out); each pair once.
      const seen = new Set<string>();
      const once = (c: Candidate) => {
        const key = c.evidence
          .map((e) => (e.source === "memory" ? `${e.path}:${e.line}` : e.session))
          .sort()
          .join("|");
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      };
      const alike = [...rules.possible, ...other.candidates].filter(once);
      const within = restatements(planned, removed, rules.held).filter(once);
      const candidates = [...alike.slice(0, MAX_CANDIDATES), ...within.slice(0, MAX_CANDIDATES)];
      const more = alike.length + within.length - candidates.length + other.more;
      if (more)
        notes.push(`${more} more possible duplicates not listed (the first ${candidates.length} are)`);
      // The instructions' focus / leave: code refuses a change outside them anyway; not proposing one
      // keeps the refused list for what an engine got wrong.
      const scope = scopeOf(ctx.instructions);
      const allowed = (paths: string[]) => paths.every((p) => outsideScope(p, scope) === null);
      return {
        operations: takeEmptiedHeadings(ops, files).filter((op) => allowed(op.changes.map((c) => c.path))),
        notes,
        candidates: candidates.filter((c) =>
          allowed(c.evidence.flatMap((e) => (e.source === "memory" ? [e.path] : []))),
        ),
        review: capped(rules.review, notes),
      };
    },
  };
}
