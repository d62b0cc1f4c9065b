/**
 * The engine port: what every engine is given and returns, and the one error it may throw. It imports no
 * engine; engine/index.ts chooses one (and loads the Claude engine only when it is chosen).
 */
import type { Evidence, ProposedOperation, ReviewItem } from "../manifest.ts";
import type { MemoryStore } from "../memory/reader.ts";
import type { Session } from "../transcripts/session.ts";

export type { ProposedOperation } from "../manifest.ts";

export interface DreamContext {
  memory: MemoryStore;
  /** Oldest first. */
  sessions: Session[];
  now: Date;
  signal: AbortSignal;
  /**
   * Lines earlier dreams wrote (dream/provenance.ts): code refuses removing or rewriting them, so an
   * engine may as well leave them alone.
   */
  written?: ReadonlySet<string>;
  /**
   * Per memory file: the earliest snapshot (ISO time) holding it as it is now. With an entry's own date,
   * what shows a session came after it (checks/session-order.ts); code refuses a session retiring an
   * entry it does not provably follow.
   */
  seenSince?: ReadonlyMap<string, string>;
  /**
   * The owner's instructions for this dream (≤ 4,096 characters), to steer it. Their `focus:` / `leave:`
   * lines are also enforced by code (checks/scope.ts), so an engine that ignores them loses nothing.
   */
  instructions?: string;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

/** Thrown by an engine that stops part way (cancel, failure), carrying what it had spent. */
export class EngineStopped extends Error {
  override name = "EngineStopped";
  readonly usage: Usage;
  constructor(usage: Usage, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.usage = usage;
  }
}

/** Entries that may state one fact in other words: not merged, listed for a reviewer (or a model) to decide. */
export interface Candidate {
  reason: string;
  evidence: Evidence[];
}

export interface EngineResult {
  operations: ProposedOperation[];
  /** Possible duplicates no rule could confirm; absent or empty when there are none. */
  candidates?: Candidate[];
  /** Contradictions found but not decidable, both sides quoted: listed, never applied. */
  review?: ReviewItem[];
  /** Model tokens spent, for engines that call one. */
  usage?: Usage;
  /** Things a reviewer should know that are not operations (e.g. a relative date left unresolved). */
  notes: string[];
}

/**
 * A consolidation engine proposes; it never writes. Whatever it returns is checked by
 * `checkOperations` before anything reaches a proposal.
 */
export interface Engine {
  name: string;
  version: string;
  consolidate(ctx: DreamContext): Promise<EngineResult>;
}
