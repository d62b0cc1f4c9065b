import type { ReviewItem } from "../../../manifest.ts";
import type { Lexicon } from "../../../text/lexicon/lexicon.ts";
import type { Candidate, ProposedOperation } from "../../engine.ts";
import type { Planned } from "../plan.ts";
import type { Typed } from "../said.ts";

/** What every offline rule is given: the store as planned, what people typed in the dream's sessions, its time, and more. */
export interface RuleContext {
  /** Every entry of the store, relative dates made absolute, in path order. */
  planned: readonly Planned[];
  /**
   * Entries a rule has removed. A rule adds each entry it removes and never proposes on one already in
   * it: that is how the order of rules/index.ts decides which rule an entry belongs to.
   */
  removed: Set<Planned>;
  /**
   * Entries inside a block listed for review as copied elsewhere: no rule removes or rewrites them one
   * at a time (a duplicated section losing single lines while both copies stay, issue 13 class 8).
   */
  held: Set<Planned>;
  /** Every note's lines, by path. */
  files: ReadonlyMap<string, readonly string[]>;
  /**
   * What a person typed in the dream's sessions, oldest session first (said.ts: no assistant turn, paste,
   * machine text or template), computed once for every rule that reads sessions.
   */
  typed: readonly Typed[];
  /** Per memory file: the earliest snapshot (ISO time) holding it as it is now (see plan.ts saidAfter). */
  seenSince: ReadonlyMap<string, string>;
  now: Date;
  /** Every file in the store: notes and files dreamd may not edit. */
  paths: ReadonlySet<string>;
  /** The lines of MEMORY.md, the index loaded into every session; null when the store has none. */
  index: readonly string[] | null;
  /** Word knowledge: opposites and alternatives a merge must not cross. */
  lexicon: Lexicon;
  /** Things a reviewer should know that are not operations. */
  notes: string[];
  /** Pairs a rule found alike but could not prove one fact: listed for review, never merged. */
  possible: Candidate[];
  /** Contradictions a rule could not decide, every side quoted. */
  review: ReviewItem[];
}

/** One offline rule: it proposes, citing its evidence; code checks every operation again afterwards. */
export interface Rule {
  name: string;
  run(ctx: RuleContext): ProposedOperation[];
}
