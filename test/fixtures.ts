import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Hono } from "hono";
import { createReviewPort } from "../src/apply/port.ts";
import { createLock } from "../src/dream/lock.ts";
import type { DreamOptions, DreamResult } from "../src/dream/options.ts";
import { runDream } from "../src/dream/run.ts";
import { createDreamRunner, type DreamRunner } from "../src/dream/runner.ts";
import type { EngineResult } from "../src/engine/engine.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { walk } from "../src/fs/walk.ts";
import { silentLogger } from "../src/logger.ts";
import { parseEntries } from "../src/memory/entries.ts";
import type { MemoryStore } from "../src/memory/reader.ts";
import { createProposals } from "../src/proposal/proposals.ts";
import { createGateChecker } from "../src/schedule/gates.ts";
import { createApp } from "../src/server/app.ts";
import { reviewRoutes } from "../src/server/review-routes.ts";
import { createTranscriptView } from "../src/server/ui/transcript-view.ts";
import { readState } from "../src/state/state.ts";
import { createFormatRegistry, type FormatRegistry } from "../src/transcripts/registry.ts";
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

export const PAGE_TOKEN = "page-token";

/**
 * The whole app (API and review page) over a writable copy of `memory` (examples/memory by default) and
 * `sessions`, dreaming in this thread with the offline engine on 2026-03-20: what the review page tests use.
 */
export async function pageApp(
  work: string,
  opts: { memory?: string; sessions?: string } = {},
): Promise<{ app: Hono; runner: DreamRunner; memoryDir: string; proposalsDir: string }> {
  const memoryDir = join(work, "memory");
  const proposalsDir = join(work, "proposals");
  const sessionsDir = opts.sessions ?? join(EXAMPLES, "sessions");
  await cp(opts.memory ?? join(EXAMPLES, "memory"), memoryDir, { recursive: true });
  const registry = createFormatRegistry();
  const now = () => new Date("2026-03-20T18:00:00Z");
  const runner = createDreamRunner({
    engine: createOfflineEngine(),
    registry,
    now,
    log: silentLogger,
    options: { ...dreamOptions(proposalsDir, { memoryDir, sessionsDir }), deletionBudget: 1 },
  });
  const gates = testGates(sessionsDir, proposalsDir, registry);
  const app = createApp({
    runner,
    proposals: createProposals(proposalsDir),
    token: PAGE_TOKEN,
    readiness: async () => ({ ready: true, reasons: [] }),
    state: () => readState(proposalsDir),
    gates: (s) => gates.check(s, now()),
    triggers: { minHours: 24, minSessions: 5, mode: "any" },
    transcript: createTranscriptView(sessionsDir, registry, 1 << 25),
    review: createReviewPort({
      proposalsDir,
      snapshotsDir: join(proposalsDir, "snapshots"),
      memoryDir,
      lock: () =>
        createLock({
          dir: join(proposalsDir, ".dreamd"),
          holder: "test",
          staleMs: 60_000,
          heartbeatMs: 60_000,
        }),
      now: () => new Date("2026-03-21T00:00:00Z"),
    }),
  });
  return { app, runner, memoryDir, proposalsDir };
}

/** Log in to the review page of `app`: the session cookie header and that session's CSRF token. */
export async function pageLogin(app: Hono): Promise<{ cookie: string; csrf: string }> {
  const res = await app.request("http://127.0.0.1/ui/login", {
    method: "POST",
    body: new URLSearchParams({ token: PAGE_TOKEN, next: "/ui" }),
  });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const html = await (await app.request("http://127.0.0.1/ui", { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  return { cookie, csrf };
}

/** The gates a test server runs with: 24 h or 5 new sessions, either one. */
export function testGates(sessionsDir: string, proposalsDir: string, registry: FormatRegistry) {
  return createGateChecker(
    {
      sessionsDir,
      proposalsDir,
      minHours: 24,
      minSessions: 5,
      triggerMode: "any",
      maxTranscriptBytes: 1 << 25,
    },
    registry,
  );
}

/** A spawned `dreamd serve`: its URL once it logs that it listens, and what it wrote to stderr by then. */
export function listening(proc: ChildProcess): Promise<{ url: string; stderr: string }> {
  let stderr = "";
  return new Promise((resolve, reject) => {
    proc.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
      for (const line of stderr.split("\n")) {
        if (!line.includes('"dreamd listening"')) continue;
        const url = (JSON.parse(line) as { url?: string }).url;
        if (url) resolve({ url, stderr });
      }
    });
    proc.on("exit", () => reject(new Error(`dreamd serve exited early: ${stderr}`)));
  });
}
