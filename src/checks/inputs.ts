import type { ProposedOperation } from "../manifest.ts";
import { ownDay } from "../memory/entries.ts";
import type { MemoryStore } from "../memory/reader.ts";
import { recordedStart, type Session } from "../transcripts/session.ts";
import type { CheckInput } from "./check-operations.ts";
import { expiryCutoff } from "./deadlines.ts";
import { scopeOf } from "./scope.ts";

/** Largest share of entries one dream may remove when the caller names none (DREAMD_DELETION_BUDGET). */
const DEFAULT_DELETION_BUDGET = 0.25;

/** What the checks read of a dream: the input as read, never anything an engine computed. */
export interface DreamInput {
  memory: MemoryStore;
  sessions: readonly Session[];
  now: Date;
  /** Share of entries one dream may remove (0–1). */
  deletionBudget?: number;
  /** Lines earlier dreams wrote: never removed or rewritten by this one. */
  written?: ReadonlySet<string>;
  /** Per memory file: the earliest snapshot (ISO time) holding it as it is now. */
  seenSince?: ReadonlyMap<string, string>;
  /** The dream's instructions: their `focus` / `leave` lines narrow what may change, nothing widens it. */
  instructions?: string;
}

/** The day each entry line was written by the note's own word (no mtime): what orders it before a session. */
function writtenOnOf(memory: MemoryStore): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const n of memory.notes) {
    const m = new Map<number, string>();
    for (const e of n.parsed.entries) {
      const day = ownDay(e);
      if (day) for (let l = e.startLine; l <= e.endLine; l++) m.set(l, day);
    }
    out.set(n.path, m);
  }
  return out;
}

/** The day each entry line was written, for the supersede rule. */
function lineDatesOf(memory: MemoryStore): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const n of memory.notes) {
    const m = new Map<number, string>();
    for (const e of n.parsed.entries) {
      const d = e.writtenOn ?? n.mtimeDay;
      if (d) for (let l = e.startLine; l <= e.endLine; l++) m.set(l, d);
    }
    out.set(n.path, m);
  }
  return out;
}

/**
 * The check input for `operations` over a dream's input. The trusted side computes its own line dates,
 * expiry cutoff and removal budget from the input, so no engine can widen what it accepts.
 */
export function checkInputOf(operations: readonly ProposedOperation[], input: DreamInput): CheckInput {
  const { memory, sessions } = input;
  const entries = memory.notes.reduce((n, f) => n + f.parsed.entries.length, 0);
  return {
    operations,
    base: {
      notes: new Map(memory.notes.map((n) => [n.path, n.parsed.lines])),
      sessions: new Map(sessions.map((s) => [s.id, s.messages])),
    },
    opaque: new Set(memory.opaque.map((f) => f.path)),
    paths: new Set([...memory.notes.map((n) => n.path), ...memory.opaque.map((f) => f.path)]),
    lineDates: lineDatesOf(memory),
    order: {
      startedAt: new Map(sessions.map((s) => [s.id, recordedStart(s)])),
      writtenOn: writtenOnOf(memory),
      seenSince: input.seenSince ?? new Map(),
    },
    expiredBefore: expiryCutoff(input.now),
    // At least one, so a tiny store can still lose its one duplicate; a removal must always cite a survivor.
    maxRemovals: Math.max(1, Math.floor((input.deletionBudget ?? DEFAULT_DELETION_BUDGET) * entries)),
    ...(input.written?.size ? { written: input.written } : {}),
    scope: scopeOf(input.instructions),
  };
}
