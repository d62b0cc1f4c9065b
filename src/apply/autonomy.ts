import type { ApplyRecord } from "./apply.ts";
import { applyCommand, manifestOf } from "./commands.ts";

/** DREAMD_AUTONOMY: what reaches memory without a person's approval. */
export type Autonomy = "review" | "auto-safe" | "auto";

/**
 * After a dream, under its lock: `auto-safe` accepts and applies the operations code proved
 * (`confidence: certain`), `auto` the `certain` and `likely` ones (within the deletion budget the dream
 * already kept); the review list is never an operation, so it never applies. Accepted as
 * `auto-safe` or `auto` in the review log, applied, logged and revertible like any apply. `review`:
 * nothing. Returns null when nothing was applied.
 */
export async function autoApply(opts: {
  mode: Autonomy;
  proposalsDir: string;
  snapshotsDir: string;
  memoryDir: string;
  dreamId: string;
  now: Date;
  graceMs?: number;
}): Promise<ApplyRecord | null> {
  if (opts.mode === "review") return null;
  const m = await manifestOf(opts.proposalsDir, opts.dreamId);
  const allowed = opts.mode === "auto" ? ["certain", "likely"] : ["certain"];
  const ids = m.operations.filter((o) => allowed.includes(o.confidence ?? "")).map((o) => o.id);
  if (!ids.length) return null;
  const { record } = await applyCommand({
    proposalsDir: opts.proposalsDir,
    snapshotsDir: opts.snapshotsDir,
    memoryDir: opts.memoryDir,
    dreamId: opts.dreamId,
    accept: ids.join(","),
    only: ids,
    by: opts.mode,
    now: opts.now,
    ...(opts.graceMs ? { graceMs: opts.graceMs } : {}),
  });
  return record;
}
