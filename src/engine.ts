import type { Config } from "./config.ts";
import { ConfigError } from "./errors.ts";
import type { Operation } from "./manifest.ts";
import type { MemoryStore } from "./memory-reader.ts";
import { createOfflineEngine } from "./offline-engine.ts";
import type { Session } from "./transcripts/session.ts";

export interface DreamContext {
  memory: MemoryStore;
  /** Oldest first. */
  sessions: Session[];
  now: Date;
  signal: AbortSignal;
}

/** What an engine proposes. Ids are assigned by the dream after code has checked each operation. */
export type ProposedOperation = Omit<Operation, "id">;

export interface EngineResult {
  operations: ProposedOperation[];
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

/** `auto` is the offline engine until the Claude engine lands; asking for `claude` by name is refused. */
export function createEngine(cfg: Pick<Config, "engine" | "anthropicApiKey">): Engine {
  if (cfg.engine === "claude") {
    throw new ConfigError(
      "invalid config: DREAMD_ENGINE=claude is not available in this version (use offline or auto)",
    );
  }
  return createOfflineEngine();
}
