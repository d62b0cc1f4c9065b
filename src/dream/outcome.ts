import type { DreamOptions, DreamResult } from "./options.ts";

/**
 * What the runner needs of a finished dream. Not the manifest: copying a 100k-entry manifest from the
 * worker would block the server's thread for as long as the worker spared it.
 */
export interface DreamOutcome {
  dreamId: string;
  dir: string;
  operations: number;
  refused: number;
  snapshotBytes: number;
}

export const outcomeOf = (r: DreamResult): DreamOutcome => ({
  dreamId: r.dreamId,
  dir: r.dir,
  operations: r.manifest.operations.length,
  refused: r.manifest.refused.length,
  snapshotBytes: r.manifest.base.snapshot.bytes,
});

/** How a runner executes one dream: in this thread (runDream itself), or in a worker thread. */
export type DreamExecutor = (opts: DreamOptions) => Promise<DreamOutcome>;
