import { createEngine, type EngineConfig } from "../engine/index.ts";
import type { Logger } from "../logger.ts";
import { createFormatRegistry } from "../transcripts/registry.ts";
import type { DreamDeps } from "./run.ts";

/**
 * The engine and the transcript formats of a dream, built one way for the CLI, the server and the
 * dream worker thread, so none of them can pick an engine or a format list of its own.
 */
export async function createDreamDeps(
  cfg: EngineConfig,
  log?: Logger,
): Promise<Pick<DreamDeps, "engine" | "registry">> {
  return { engine: await createEngine(cfg, log), registry: createFormatRegistry() };
}
