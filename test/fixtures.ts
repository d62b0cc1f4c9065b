import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Hono } from "hono";
import { createReviewPort } from "../src/apply/port.ts";
import { createLock } from "../src/dream/lock.ts";
import type { DreamOptions, DreamResult } from "../src/dream/options.ts";
import { runDream } from "../src/dream/run.ts";
import type { EngineResult } from "../src/engine/engine.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { walk } from "../src/fs/walk.ts";
import { parseEntries } from "../src/memory/entries.ts";
import type { MemoryStore } from "../src/memory/reader.ts";
import { reviewRoutes } from "../src/server/review-routes.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import type { Message, Session } from "../src/transcripts/session.ts";

export const EXAMPLES = new URL("../examples/", import.meta.url).pathname;

/** Dream options over a memory dir (examples/memory by default) with outputs under `out`. */
export function dreamOptions(out: string, extra: Partial<DreamOptions> = {}): DreamOptions {
  return {
    memoryDir: join(EXAMPLES, "memory"),
    sessionsDir: join(EXAMPLES, "sessions"),
    proposalsDir: out,
    snapshotsDir: join(out, "snapshots"),
    maxSessions: 100,
    maxFileBytes: 1 << 20,
    maxTranscriptBytes: 1 << 25,
    now: new Date("2026-03-20T18:00:00Z"),
    ...extra,
  };
}

/**
 * One offline dream of `memoryDir` into `proposalsDir` on 2026-03-20, without sessions and with the whole
 * store as deletion budget: the proposal that apply, revert and rollback tests work on.
 */
export function dreamFor(proposalsDir: string, memoryDir: string): Promise<DreamResult> {
  return runDream(
    dreamOptions(proposalsDir, {
      memoryDir,
      sessionsDir: "",
      now: new Date("2026-03-20T00:00:00Z"),
      deletionBudget: 1,
    }),
    { engine: createOfflineEngine(), registry: createFormatRegistry() },
  );
}

/** An in-memory store from `{path: text}`, as readMemory would build it. */
export function memoryFrom(files: Record<string, string>): MemoryStore {
  return {
    root: "/virtual",
    opaque: [],
    problems: [],
    notes: Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, text]) => ({
        path,
        text,
        bytes: Buffer.byteLength(text),
        sha256: createHash("sha256").update(text).digest("hex"),
        finalNewline: text.endsWith("\n"),
        parsed: parseEntries(path, text),
        mtimeDay: null,
      })),
  };
}

/** What the offline engine proposes over an in-memory store, as a dream on 2026-03-20 would see it. */
export function consolidateOffline(
  files: Record<string, string>,
  sessions: Session[] = [],
  seenSince?: ReadonlyMap<string, string>,
): Promise<EngineResult> {
  return createOfflineEngine().consolidate({
    memory: memoryFrom(files),
    sessions,
    now: new Date("2026-03-20T00:00:00Z"),
    signal: new AbortController().signal,
    ...(seenSince ? { seenSince } : {}),
  });
}

export function sessionFrom(
  id: string,
  texts: [Message["role"], string][],
  startedAt = "2026-03-01T00:00:00.000Z",
): Session {
  return {
    id,
    format: "test",
    sha256: id,
    bytes: 0,
    mtimeMs: 0,
    startedAtFrom: "records",
    sessionId: id,
    startedAt,
    warnings: [],
    messages: texts.map(([role, text], index) => ({ index, role, text, timestamp: null })),
  };
}

export async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, data] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), data);
  }
}

/** sha256 of every file under root, by relative path. */
export async function hashTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await walk(root))
    out[f.path] = createHash("sha256")
      .update(await readFile(f.abs))
      .digest("hex");
  return out;
}

/** The review API alone (no token), over one proposals dir and memory dir, its clock on 2026-03-21. */
export function reviewApp(proposalsDir: string, memoryDir: string, holder = "test"): Hono {
  const app = new Hono();
  app.onError((err, c) => c.json({ error: `unexpected: ${err.message}` }, 500));
  reviewRoutes(
    app,
    async (_c, next) => next(),
    createReviewPort({
      proposalsDir,
      snapshotsDir: join(proposalsDir, "snapshots"),
      memoryDir,
      lock: () =>
        createLock({ dir: join(proposalsDir, ".dreamd"), holder, staleMs: 60_000, heartbeatMs: 60_000 }),
      now: () => new Date("2026-03-21T00:00:00Z"),
    }),
  );
  return app;
}
