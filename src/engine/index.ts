import type { Config } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { type Logger, silentLogger } from "../logger.ts";
import type { Engine } from "./engine.ts";
import { createOfflineEngine } from "./offline/engine.ts";

export type EngineConfig = Pick<
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
>;

/**
 * `auto`: Claude when a key is set, else the offline engine, which is also Claude's fallback. The Claude
 * engine is imported only when it is chosen: with it comes @anthropic-ai/sdk, which an offline dream
 * has no use for.
 */
export async function createEngine(cfg: EngineConfig, log: Logger = silentLogger): Promise<Engine> {
  const offline = createOfflineEngine();
  if (cfg.engine === "offline" || (cfg.engine === "auto" && !cfg.anthropicApiKey)) return offline;
  if (!cfg.anthropicApiKey) {
    throw new ConfigError(
      "invalid config: DREAMD_ENGINE=claude needs DREAMD_ANTHROPIC_API_KEY (or DREAMD_ANTHROPIC_API_KEY_FILE)",
    );
  }
  const { createClaudeEngine } = await import("./claude/engine.ts");
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
