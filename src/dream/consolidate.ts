import { checkOperations } from "../checks/check-operations.ts";
import { checkInputOf } from "../checks/inputs.ts";
import { type Deferred, mostValuable } from "../checks/most-valuable.ts";
import type { EngineResult } from "../engine/engine.ts";
import type { Operation, Refused } from "../manifest.ts";
import type { DreamRun } from "./options.ts";
import type { Oriented } from "./orient.ts";

export interface Consolidated {
  result: EngineResult;
  /** Operations code accepted, numbered; the rest are refused, each with the rule that refused it. */
  accepted: Operation[];
  refused: Refused[];
  /** Accepted, but over the dream's operation limit: left for the next dream. */
  deferred: Deferred[];
}

/** Consolidate: the engine proposes, then code checks every operation against the input it read. */
export async function consolidate(run: DreamRun, oriented: Oriented): Promise<Consolidated> {
  const { memory, loaded } = oriented;
  const result = await run.deps.engine.consolidate({
    memory,
    sessions: loaded.sessions,
    now: run.opts.now,
    signal: run.signal,
    written: oriented.written,
    seenSince: oriented.seen,
    ...(run.opts.instructions ? { instructions: run.opts.instructions } : {}),
  });
  const input = checkInputOf(result.operations, {
    memory,
    sessions: loaded.sessions,
    now: run.opts.now,
    deletionBudget: run.opts.deletionBudget,
    written: oriented.written,
    seenSince: oriented.seen,
    ...(run.opts.instructions ? { instructions: run.opts.instructions } : {}),
  });
  const { accepted, refused, deferred } = mostValuable(checkOperations(input), input, run.opts.maxOperations);
  return { result, accepted, refused, deferred };
}
