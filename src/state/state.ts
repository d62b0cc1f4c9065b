import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../fs/atomic.ts";
import { usageSchema } from "../manifest.ts";

/**
 * dreamd's own memory, on the proposals volume: when it last dreamt, and the session ledger (which
 * transcripts, by content hash, are settled, and which each proposal read: see session-ledger.ts).
 * Written atomically; kept apart from proposals so a crash never loses it.
 */
export const MAX_LEDGER = 20_000;

/** What one proposal written by this version read, indexed so the gates need not parse manifests. */
export const ledgerProposalSchema = z.object({
  dreamId: z.string(),
  /** Path (a transcript that grows keeps its path) and content hash; emptied once superseded. */
  sessions: z.array(z.object({ path: z.string(), sha256: z.string() })),
  /** A newer proposal read every session this one still held. */
  supersededBy: z.string().optional(),
  /** Applied (see settle in session-ledger.ts): its transcripts are never read again. */
  settled: z.literal(true).optional(),
});
export type LedgerProposal = z.infer<typeof ledgerProposalSchema>;

const common = {
  lastSuccess: z.object({ dreamId: z.string(), at: z.string() }).nullable(),
  lastAttempt: z
    .object({
      dreamId: z.string(),
      at: z.string(),
      status: z.enum(["running", "complete", "failed", "cancelled"]),
      error: z.string().optional(),
      /** Model tokens spent, also when the dream failed or was cancelled part way. */
      usage: usageSchema.optional(),
    })
    .nullable(),
  consecutiveFailures: z.number().int().min(0),
  /** Start times of recent dreams, for the circuit breaker. */
  recentStarts: z.array(z.string()).default([]),
};

const stateV2 = z.object({
  version: z.literal(2),
  ...common,
  ledger: z.object({
    /** sha256 of transcripts never to read again (applied, unusable, or consumed before version 2), oldest first. */
    settled: z.array(z.string()),
    /** Proposals on the volume, oldest first; one whose directory is gone was discarded. */
    proposals: z.array(ledgerProposalSchema),
  }),
});

/** Version 1 marked a transcript consumed once any proposal read it: those stay settled. */
const stateV1 = z
  .object({ version: z.literal(1), ...common, processed: z.array(z.string()) })
  .transform(({ processed, version: _, ...rest }) => ({
    ...rest,
    version: 2 as const,
    ledger: { settled: processed, proposals: [] },
  }));

export const stateSchema = z.union([stateV2, stateV1]);
export type State = z.output<typeof stateV2>;

export const emptyState = (): State => ({
  version: 2,
  lastSuccess: null,
  lastAttempt: null,
  consecutiveFailures: 0,
  ledger: { settled: [], proposals: [] },
  recentStarts: [],
});

export const stateDirOf = (proposalsDir: string) => join(proposalsDir, ".dreamd");
const statePath = (proposalsDir: string) => join(stateDirOf(proposalsDir), "state.json");

/**
 * Missing state is a fresh start. Unreadable state is moved aside (never deleted) and replaced by a
 * fresh one: at worst some transcripts are read again, which loses nothing.
 */
export async function readState(
  proposalsDir: string,
  warn: (msg: string) => void = () => {},
): Promise<State> {
  const path = statePath(proposalsDir);
  let raw: string;
  try {
    raw = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw err;
  }
  const parsed = stateSchema.safeParse(parseJsonOrNull(raw));
  if (parsed.success) return parsed.data;
  const aside = `${path}.corrupt-${Date.now()}`;
  await rename(path, aside);
  warn(`state file ${path} was unreadable; moved to ${aside} and started afresh`);
  return emptyState();
}

export async function writeState(proposalsDir: string, state: State): Promise<void> {
  const trimmed = {
    ...state,
    ledger: boundLedger(state.ledger),
    recentStarts: state.recentStarts.slice(-100),
  };
  await writeFileAtomic(statePath(proposalsDir), `${JSON.stringify(trimmed, null, 2)}\n`);
}

/** Proposals the index keeps: superseded ones are a line each, but the volume may hold many. */
const MAX_PROPOSALS = 1_000;

/**
 * At most MAX_LEDGER settled hashes (as version 1 kept) and MAX_LEDGER session records in the index;
 * the oldest go first. A proposal dropped from the index holds nothing and is never marked superseded,
 * so its transcripts are read again: that costs a re-read and loses nothing.
 */
function boundLedger(ledger: State["ledger"]): State["ledger"] {
  const kept: LedgerProposal[] = [];
  let records = 0;
  for (const p of [...ledger.proposals].reverse()) {
    records += p.sessions.length;
    if (records > MAX_LEDGER || kept.length >= MAX_PROPOSALS) break;
    kept.push(p);
  }
  return { settled: ledger.settled.slice(-MAX_LEDGER), proposals: kept.reverse() };
}

function parseJsonOrNull(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
