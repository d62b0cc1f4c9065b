import type { Config } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { type Logger, silentLogger } from "../logger.ts";
import type { Evidence, Operation } from "../manifest.ts";
import type { MemoryStore } from "../memory/reader.ts";
import type { Session } from "../transcripts/session.ts";
import { createClaudeEngine } from "./claude/engine.ts";
import { createOfflineEngine } from "./offline/engine.ts";

export interface DreamContext {
  memory: MemoryStore;
  /** Oldest first. */
  sessions: Session[];
  now: Date;
  signal: AbortSignal;
}

/** What an engine proposes. Ids are assigned by the dream after code has checked each operation. */
export type ProposedOperation = Omit<Operation, "id">;

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

/** `auto`: Claude when a key is set, else the offline engine, which is also Claude's fallback. */
export function createEngine(
  cfg: Pick<
    Config,
    | "engine"
    | "anthropicApiKey"
    | "anthropicBaseUrl"
    | "model"
    | "maxInputTokens"
    | "maxOutputTokens"
    | "modelTimeoutSeconds"
    | "modelMaxRetries"
    | "modelPrices"
  >,
  log: Logger = silentLogger,
): Engine {
  const offline = createOfflineEngine();
  if (cfg.engine === "offline" || (cfg.engine === "auto" && !cfg.anthropicApiKey)) return offline;
  if (!cfg.anthropicApiKey) {
    throw new ConfigError(
      "invalid config: DREAMD_ENGINE=claude needs DREAMD_ANTHROPIC_API_KEY (or DREAMD_ANTHROPIC_API_KEY_FILE)",
    );
  }
  return createClaudeEngine({
    apiKey: cfg.anthropicApiKey,
    ...(cfg.anthropicBaseUrl ? { baseURL: cfg.anthropicBaseUrl } : {}),
    model: cfg.model,
    maxInputTokens: cfg.maxInputTokens,
    maxOutputTokens: cfg.maxOutputTokens,
    timeoutMs: cfg.modelTimeoutSeconds * 1000,
    maxRetries: cfg.modelMaxRetries,
    fallback: offline,
    log,
    prices: pricesOf(cfg.modelPrices, cfg.model),
  });
}

/** The configured model's prices from the table ("*" matches any model); zero when it has none. */
export function pricesOf(
  table: string,
  model: string,
): { input: number; output: number; cacheRead: number; cacheWrite: number } {
  const rows = new Map(
    table
      .split(";")
      .map((r) => r.trim())
      .filter(Boolean)
      .map((r) => {
        const [name = "", nums = ""] = r.split("=");
        return [name.trim(), nums.split(",").map((x) => Number(x.trim()))] as const;
      }),
  );
  const [input = 0, output = 0, cacheRead = 0, cacheWrite = 0] = rows.get(model) ?? rows.get("*") ?? [];
  return { input, output, cacheRead, cacheWrite };
}
