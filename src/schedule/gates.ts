import type { Config } from "../config.ts";
import { sha256 } from "../fs/atomic.ts";
import { readInside } from "../fs/safe-read.ts";
import { isUnread, viewLedger } from "../state/session-ledger.ts";
import type { State } from "../state/state.ts";
import { listTranscripts } from "../transcripts/loader.ts";
import { headOf } from "../transcripts/read-transcript.ts";
import type { FormatRegistry } from "../transcripts/registry.ts";
import { transcriptText } from "../transcripts/unpack.ts";

export interface Gates {
  hoursSinceLast: number | null;
  /** Null when a lazy check did not need to count (the time gate alone decided). */
  sessionsSinceLast: number | null;
  timeGate: boolean;
  sessionGate: boolean;
  due: boolean;
}

export interface GateChecker {
  /** `lazy`: gates in cost order, and stop as soon as the answer is known. */
  check(state: State, now: Date, opts?: { lazy?: boolean }): Promise<Gates>;
}

/**
 * Gate values, cheapest first. New sessions are unread transcripts (session-ledger.ts): one a pending
 * proposal read is not new, one released by a discard is new again, and each is counted once; a file
 * no format claims (an index, a lock file) is no session. Hashes and sniffs are cached by (path, size,
 * mtime) so polling /status does not re-read every transcript.
 */
export function createGateChecker(
  cfg: Pick<
    Config,
    "sessionsDir" | "proposalsDir" | "minHours" | "minSessions" | "triggerMode" | "maxTranscriptBytes"
  >,
  registry: FormatRegistry,
  /** Sessions counted elsewhere (Docker `die` events of the agent) since the last success. */
  extraSessions?: (since: Date | null) => number,
): GateChecker {
  const cache = new Map<string, string | null>();
  return {
    async check(state, now, opts = {}) {
      const last = state.lastSuccess ? Date.parse(state.lastSuccess.at) : null;
      const hoursSinceLast = last === null ? null : Math.max(0, (now.getTime() - last) / 3_600_000);
      const timeGate = hoursSinceLast === null || hoursSinceLast >= cfg.minHours;
      if (opts.lazy && (cfg.triggerMode === "any" ? timeGate : !timeGate)) {
        return { hoursSinceLast, sessionsSinceLast: null, timeGate, sessionGate: false, due: timeGate };
      }
      const ledger = await viewLedger(state, cfg.proposalsDir);
      let sessionsSinceLast = 0;
      const files = await listTranscripts(cfg.sessionsDir).catch(() => []);
      for (const f of files) {
        const key = `${f.path}\0${f.bytes}\0${f.mtimeMs}`;
        let hash = cache.get(key);
        if (hash === undefined) {
          const read = await readInside(cfg.sessionsDir, f.path, Number.MAX_SAFE_INTEGER).catch(() => null);
          if (!read?.ok) continue;
          const content = await transcriptText(read.data, cfg.maxTranscriptBytes);
          const text = "text" in content ? content.text : "";
          hash = text && registry.detect(headOf(text), f.path).format ? sha256(read.data) : null;
          cache.set(key, hash);
        }
        if (hash && isUnread(ledger, hash)) sessionsSinceLast++;
      }
      sessionsSinceLast += extraSessions?.(last === null ? null : new Date(last)) ?? 0;
      const sessionGate = sessionsSinceLast >= cfg.minSessions;
      const due = cfg.triggerMode === "all" ? timeGate && sessionGate : timeGate || sessionGate;
      return { hoursSinceLast, sessionsSinceLast, timeGate, sessionGate, due };
    },
  };
}
