import { z } from "zod";

/**
 * The proposal manifest: `<proposals>/<dreamId>/manifest.json`. Everything a reviewer or a program
 * needs to judge a proposal: what it was made from, every operation with its evidence, what was refused.
 */

export const memoryEvidenceSchema = z.object({
  source: z.literal("memory"),
  /** Path relative to the memory dir. */
  path: z.string().min(1),
  /** 1-based line in the input file. */
  line: z.number().int().min(1),
  /** Verbatim text found on that line. */
  quote: z.string().min(1),
});

export const sessionEvidenceSchema = z.object({
  source: z.literal("session"),
  /** Transcript path relative to the sessions dir. */
  session: z.string().min(1),
  /** 0-based index of the message among the session's kept messages. */
  index: z.number().int().min(0),
  quote: z.string().min(1),
});

export const evidenceSchema = z.discriminatedUnion("source", [memoryEvidenceSchema, sessionEvidenceSchema]);

/** Replace lines startLine..endLine (1-based, inclusive) of `path` with `after`; endLine = startLine - 1 inserts. */
export const changeSchema = z.object({
  path: z.string().min(1),
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(0),
  before: z.array(z.string()),
  after: z.array(z.string()),
});

/** merge-block: a whole section removed because an equal copy of it stays (checks/blocks.ts). */
export const operationKinds = ["merge", "merge-block", "supersede", "prune", "normalize", "create"] as const;

export const operationSchema = z.object({
  id: z.string(),
  kind: z.enum(operationKinds),
  /** The engine's rule that proposed it ("exact-duplicates", "supersede", …); absent for a model's answer. */
  rule: z.string().optional(),
  /** Set by code, never by an engine (checks/confidence.ts): `certain` only where code proves it. */
  confidence: z.enum(["certain", "likely"]).optional(),
  targets: z.array(z.string().min(1)).min(1),
  reason: z.string().min(1),
  evidence: z.array(evidenceSchema).min(1),
  changes: z.array(changeSchema).min(1),
});

export const reviewItemSchema = z.object({
  /**
   * contradiction: two sides that cannot both hold now; stale: a plan whose day has passed; duplicate: a
   * block or file copied elsewhere that code does not remove (each copy may be a record of its own).
   */
  kind: z.enum(["contradiction", "stale", "duplicate"]),
  reason: z.string(),
  evidence: z.array(evidenceSchema).min(1),
});

/** An operation code accepted but the dream left for the next one (over DREAMD_MAX_OPERATIONS). */
export const deferredSchema = z.object({
  kind: z.enum(operationKinds),
  rule: z.string().optional(),
  targets: z.array(z.string()),
  reason: z.string(),
});

export const refusedSchema = z.object({
  operation: z.unknown(),
  rule: z.string(),
  detail: z.string(),
});

export const problemSchema = z.object({
  source: z.enum(["memory", "session"]),
  path: z.string(),
  error: z.string(),
});

export const usageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  costUsd: z.number(),
});

const fileRecord = z.object({ path: z.string(), sha256: z.string(), bytes: z.number().int().min(0) });

export const manifestSchema = z.object({
  schemaVersion: z.literal(1),
  dreamId: z.string(),
  createdAt: z.string(),
  engine: z.object({ name: z.string(), version: z.string() }),
  /** DREAMD_AUTONOMY when the dream ran: what applies after it without a person's approval. */
  autonomy: z.enum(["review", "auto-safe", "auto"]).optional(),
  base: z.object({
    memoryDir: z.string(),
    snapshot: z.object({ path: z.string(), sha256: z.string(), bytes: z.number().int().min(0) }),
    files: z.array(fileRecord),
  }),
  sessions: z.array(
    z.object({
      id: z.string(),
      format: z.string(),
      sha256: z.string(),
      startedAt: z.string().nullable(),
      /** Where startedAt comes from: the records, or the file's mtime when none has a time (absent in older manifests). */
      startedAtFrom: z.enum(["records", "mtime"]).optional(),
      messages: z.number().int().min(0),
    }),
  ),
  problems: z.array(problemSchema),
  operations: z.array(operationSchema),
  refused: z.array(refusedSchema),
  /** Accepted but over the operation limit: a second dream proposes them (absent when none). */
  deferred: z.array(deferredSchema).optional(),
  notes: z.array(z.string()),
  /** The owner's instructions this dream was given (absent when none). */
  instructions: z.string().optional(),
  /** Possible duplicates in other words, not merged: for the reviewer (absent in older manifests). */
  candidates: z.array(z.object({ reason: z.string(), evidence: z.array(evidenceSchema).min(2) })).optional(),
  /** What the engine found but could not decide: a contradiction with both sides quoted. Never applied. */
  review: z.array(reviewItemSchema).optional(),
  output: z.object({
    files: z.array(fileRecord),
    changed: z.array(z.string()),
    /**
     * In the memory dir but not in store/ — symlinks, special files, files and directories dreamd could
     * not read — and NOT deletions: keep them when applying store/ (diff.patch never touches them).
     * Absent when there are none, and in older manifests.
     */
    skipped: z.array(z.object({ path: z.string(), reason: z.string() })).optional(),
  }),
  /** Model tokens and estimated cost (absent for the offline engine). */
  usage: usageSchema.optional(),
  stats: z.object({
    files: z.number().int(),
    entries: z.number().int(),
    sessions: z.number().int(),
    deferredSessions: z.number().int(),
    /** Orient + consolidate, up to the start of output (the manifest is part of the output). */
    durationMs: z.number(),
  }),
});

export type Evidence = z.infer<typeof evidenceSchema>;
export type Change = z.infer<typeof changeSchema>;
export type Operation = z.infer<typeof operationSchema>;
/** What an engine proposes. Ids are assigned by the dream after code has checked each operation. */
export type ProposedOperation = Omit<Operation, "id">;
export type OperationKind = Operation["kind"];
export type Refused = z.infer<typeof refusedSchema>;
export type ReviewItem = z.infer<typeof reviewItemSchema>;
export type Manifest = z.infer<typeof manifestSchema>;
