import type { Engine } from "../engine/engine.ts";
import { createEngine, type EngineConfig } from "../engine/index.ts";
import type { TreeFs } from "../fs/safe-tree.ts";
import type { Logger } from "../logger.ts";
import { createFormatRegistry, type FormatRegistry } from "../transcripts/registry.ts";

export interface DreamDeps {
  engine: Engine;
  registry: FormatRegistry;
  /** Wall clock for durations; `now` in the options is the dream's logical time. */
  clock?: () => number;
  /** File calls of every read of memory and sessions (tests inject failures; see safe-tree). */
  fs?: TreeFs;
}

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
