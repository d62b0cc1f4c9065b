import { type Config, snapshotsDirOf } from "../config.ts";
import type { Manifest } from "../manifest.ts";
import type { Redact } from "../redact.ts";
import type { State } from "../state/state.ts";
import type { DreamDeps } from "./deps.ts";

export type Phase = "orient" | "consolidate" | "output";

export interface DreamEvent {
  dreamId: string;
  phase: Phase;
  status: "start" | "done";
  at: string;
  detail?: Record<string, number | string>;
}

export interface DreamOptions {
  memoryDir: string;
  sessionsDir: string;
  proposalsDir: string;
  snapshotsDir: string;
  maxSessions: number;
  maxFileBytes: number;
  maxTranscriptBytes: number;
  /** Share of entries one dream may remove (default 0.25). */
  deletionBudget?: number;
  /** Most operations one dream proposes (default 200); the rest are deferred to the next dream. */
  maxOperations?: number;
  /** Reuse the newest snapshot when memory is byte-identical to it (default true). */
  reuseSnapshot?: boolean;
  /** DREAMD_AUTONOMY the dream runs under: recorded, and said in the report (default review). */
  autonomy?: "review" | "auto-safe" | "auto";
  /** The owner's instructions steering this dream (DREAMD_INSTRUCTIONS, or POST /dreams), ≤ 4,096 characters. */
  instructions?: string;
  now: Date;
  dreamId?: string;
  signal?: AbortSignal;
  onEvent?: (e: DreamEvent) => void;
  /** Runs the snapshot and the memory read (e.g. with the agent container paused). */
  freeze?: <T>(fn: () => Promise<T>) => Promise<T>;
  warn?: (msg: string) => void;
  /**
   * dreamd's own secrets (API token, Anthropic key): a library may put one into an error message, and
   * what dreamd writes about a dream (manifest notes and problems, report, state) must never hold one.
   */
  secrets?: readonly string[];
}

/** The part of DreamOptions that comes straight from config. */
export function dreamDirsAndLimits(cfg: Config) {
  return {
    memoryDir: cfg.memoryDir,
    sessionsDir: cfg.sessionsDir,
    proposalsDir: cfg.proposalsDir,
    snapshotsDir: snapshotsDirOf(cfg),
    maxSessions: cfg.maxSessions,
    maxFileBytes: cfg.maxFileBytes,
    maxTranscriptBytes: cfg.maxTranscriptBytes,
    deletionBudget: cfg.deletionBudget,
    maxOperations: cfg.maxOperations,
    autonomy: cfg.autonomy,
    ...(cfg.instructions ? { instructions: cfg.instructions } : {}),
    secrets: [cfg.apiToken, cfg.anthropicApiKey].filter(Boolean),
  } satisfies Partial<DreamOptions>;
}

export interface DreamResult {
  dreamId: string;
  dir: string;
  manifest: Manifest;
}

/** One dream under way, as its three phases see it. */
export interface DreamRun {
  /** The options, with every dir made absolute: manifests record them, and are read from elsewhere. */
  opts: DreamOptions;
  deps: DreamDeps;
  dreamId: string;
  signal: AbortSignal;
  /** The memory dir with its own symlink resolved (Kubernetes mounts through ..data), never one inside. */
  memoryRoot: string;
  /** The state read at the start of the dream; the session ledger is part of it. */
  state: State;
  /** Wall clock for durations, and when the dream started by it. */
  clock: () => number;
  started: number;
  /** Removes dreamd's own secrets from whatever the dream writes. */
  redact: Redact;
}
