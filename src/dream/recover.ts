import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { State } from "../state/state.ts";

/**
 * Whoever runs a dream holds the lock, so any half-built proposal left on the volume belongs to a dream
 * whose process died (SIGKILL, OOM, node drained). Remove it and count that dream as failed, so the
 * failure shows in /status and backoff applies; the memory was never touched.
 */
export async function recoverInterrupted(
  proposalsDir: string,
  state: State,
  warn?: (msg: string) => void,
  snapshotsDir?: string,
): Promise<void> {
  const names = await readdir(proposalsDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(".partial-") || n.startsWith(".trash-"))) {
    await rm(join(proposalsDir, name), { recursive: true, force: true });
    warn?.(`removed ${name}: left by an interrupted dream`);
  }
  if (snapshotsDir) {
    // Half-written archives, and the whole snapshot of a dream that died: no proposal refers to it, and
    // on a full disk every retry would leave one more.
    const died = state.lastAttempt?.status === "running" ? state.lastAttempt.dreamId : null;
    for (const name of await readdir(snapshotsDir).catch(() => [] as string[])) {
      if (name.endsWith(".partial") || (died && name.startsWith(`${died}.tar.gz`))) {
        await rm(join(snapshotsDir, name), { force: true });
        warn?.(`removed snapshot ${name}: left by an interrupted dream`);
      }
    }
  }
  if (state.lastAttempt?.status === "running") {
    state.lastAttempt = {
      ...state.lastAttempt,
      status: "failed",
      error: "interrupted: the process died mid-dream",
    };
    state.consecutiveFailures++;
  }
}

/** A failed dream's snapshot: no proposal refers to it. */
export async function removeSnapshot(snapshotsDir: string, dreamId: string): Promise<void> {
  for (const suffix of [".tar.gz", ".tar.gz.json", ".tar.gz.partial"]) {
    await rm(join(snapshotsDir, `${dreamId}${suffix}`), { force: true }).catch(() => {});
  }
}
