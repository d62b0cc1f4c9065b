import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "./fs-atomic.ts";
import { usageSchema } from "./manifest.ts";

/**
 * dreamd's own memory, on the proposals volume: when it last dreamt and which transcripts (by content
 * hash) it has consumed. Written atomically; kept apart from proposals so a crash never loses it.
 */
const MAX_LEDGER = 20_000;

export const stateSchema = z.object({
  version: z.literal(1),
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
  /** sha256 of consumed transcripts, oldest first. */
  processed: z.array(z.string()),
  /** Start times of recent dreams, for the circuit breaker. */
  recentStarts: z.array(z.string()).default([]),
});
export type State = z.infer<typeof stateSchema>;

export const emptyState = (): State => ({
  version: 1,
  lastSuccess: null,
  lastAttempt: null,
  consecutiveFailures: 0,
  processed: [],
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
    processed: state.processed.slice(-MAX_LEDGER),
    recentStarts: state.recentStarts.slice(-100),
  };
  await writeFileAtomic(statePath(proposalsDir), `${JSON.stringify(trimmed, null, 2)}\n`);
}

function parseJsonOrNull(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
