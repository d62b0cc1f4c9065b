import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { streamSSE } from "hono/streaming";
import type { Registry } from "prom-client";
import { z } from "zod";
import { type ReviewPort, unavailableReview } from "../apply/port.ts";
import { MAX_INSTRUCTIONS } from "../checks/scope.ts";
import type { LockInfo } from "../dream/lock.ts";
import type { DreamRunner } from "../dream/runner.ts";
import { BusyError, errorMessage, PathError } from "../errors.ts";
import { type Logger, silentLogger } from "../logger.ts";
import { DREAM_ID } from "../proposal/dream-id.ts";
import type { Proposals } from "../proposal/proposals.ts";
import { redactDeep, redactor } from "../redact.ts";
import type { Gates } from "../schedule/gates.ts";
import type { Decision } from "../schedule/scheduler.ts";
import type { State } from "../state/state.ts";
import {
  hostAllowList,
  limitUrlLength,
  requireAllowedHost,
  requireToken,
  sameToken,
  slots,
  tokenCheck,
} from "./http-guards.ts";
import { jsonBody } from "./json-body.ts";
import { openApiDocument } from "./openapi.ts";
import { reviewRoutes } from "./review-routes.ts";
import type { Triggers } from "./ui/dashboard-page.ts";
import { createSessions, SESSION_COOKIE, type Sessions } from "./ui/session.ts";
import type { TranscriptView } from "./ui/transcript-view.ts";
import { uiHeaders } from "./ui/ui-auth.ts";
import { uiRoutes } from "./ui/ui-routes.ts";

export interface Readiness {
  ready: boolean;
  reasons: string[];
}

export interface AppDeps {
  runner: DreamRunner;
  proposals: Proposals;
  token: string;
  readiness(): Promise<Readiness>;
  state(): Promise<State>;
  gates(state: State): Promise<Gates>;
  /** The automatic scheduler's last decision, when there is a scheduler. */
  scheduler?: () => { enabled: boolean; last: Decision | null };
  /** DREAMD_AUTONOMY, shown by /status (default review). */
  autonomy?: "review" | "auto-safe" | "auto";
  /** Review and apply (default: none — no proposal to review, apply refused with why). */
  review?: ReviewPort;
  /** Who holds the dream lock on the proposals volume. */
  lock?: () => Promise<LockInfo | null>;
  /** Prometheus registry served at /metrics (loaded lazily by the caller). */
  metrics?: () => Promise<Registry>;
  /** How long /status may reuse what it read from the volumes (default 1 s). */
  statusTtlMs?: number;
  /** Heartbeat interval for /events, so proxies keep the stream open. */
  heartbeatMs?: number;
  /** Where unexpected errors go (with the error id the client is shown). */
  log?: Logger;
  /** Wall clock in ms (bounds the `now` a client may ask for). */
  clock?: () => number;
  /** The listen address (DREAMD_API_HOST) and extra Host names (DREAMD_ALLOWED_HOSTS). */
  apiHost?: string;
  allowedHosts?: string;
  /** Largest request body (DREAMD_MAX_BODY_BYTES, default 64 KiB). */
  maxBodyBytes?: number;
  /** Most /events streams open at once (DREAMD_MAX_EVENT_STREAMS, default 16). */
  maxEventStreams?: number;
  /** Further secrets never to show (the Anthropic key); the API token is always one. */
  secrets?: string[];
  /** What the trigger gates need (DREAMD_MIN_HOURS, DREAMD_MIN_SESSIONS, DREAMD_TRIGGER_MODE), for the page. */
  triggers?: Triggers;
  /** A session's messages, for the review page's evidence links (none: the links say it cannot be read). */
  transcript?: TranscriptView;
  /** The review page's login sessions (default: a key of this process, so a restart logs everyone out). */
  sessions?: Sessions;
}

export const startDreamBody = z
  .object({
    now: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional(),
    instructions: z.string().max(MAX_INSTRUCTIONS, { error: "must be at most 4096 characters" }).optional(),
  })
  .strict();

/** A dream id sorts by its `now`: one far in the future would sort first forever. */
const EARLIEST_NOW = Date.parse("2000-01-01T00:00:00Z");
const MAX_AHEAD_MS = 24 * 3600 * 1000;
/** Longer request targets get 414 before anything looks at the filesystem (Node refuses past 16 KiB). */
const MAX_URL = 8192;
/** A dream id is shown back only when it is one; anything else may be a hostile string. */
const named = (id: string) => (DREAM_ID.test(id) ? id : "with that id");
/** Routes a kubelet or Prometheus calls by pod IP: no memory text, so any Host and no token. */
const OPEN_TO_ANY_HOST = new Set(["/healthz", "/readyz", "/metrics"]);

function withoutError(attempt: State["lastAttempt"]) {
  if (!attempt?.error) return attempt;
  const { error: _hidden, ...rest } = attempt;
  return { ...rest, errorHidden: true };
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const log = deps.log ?? silentLogger;
  const clock = deps.clock ?? Date.now;
  const sessions = deps.sessions ?? createSessions({ clock });
  // The review page's login cookie counts as the token on the API too: its /events stream and diff link.
  const check = tokenCheck(deps.token, (c) => sessions.verify(getCookie(c, SESSION_COOKIE)) !== null);
  const auth = requireToken(check);
  const redact = redactor([deps.token, ...(deps.secrets ?? [])]);
  const streams = slots(deps.maxEventStreams ?? 16);
  const maxBody = deps.maxBodyBytes ?? 64 * 1024;
  /** Client input echoed in an error: capped, and never carrying a secret back out. */
  const shown = (s: string) => redact(s.length > 200 ? `${s.slice(0, 200)}…` : s);

  app.onError((err, c) => {
    // Known errors have fixed wording here: their messages may name server paths.
    if (err instanceof PathError) return c.json({ error: "path refused" }, 400);
    if (err instanceof BusyError) return c.json({ error: redact(err.message) }, 409);
    if (err instanceof HTTPException && err.status < 500) {
      return c.json({ error: err.message || "bad request" }, err.status);
    }
    const errorId = randomBytes(6).toString("hex");
    log.error("request failed", {
      errorId,
      method: c.req.method,
      route: c.req.routePath,
      error: redact(errorMessage(err)),
    });
    return c.json({ error: `internal error (error id ${errorId}; the server log has the details)` }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${shown(c.req.path)}` }, 404));

  const apiHeaders = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    // Plain HTTP on loopback or a pod network: HSTS would only confuse a browser on localhost.
    strictTransportSecurity: false,
  });
  const isUi = (path: string) => path === "/" || path === "/ui" || path.startsWith("/ui/");
  app.use((c, next) => (isUi(c.req.path) ? uiHeaders(c, next) : apiHeaders(c, next)));
  app.use(async (c, next) => {
    await next();
    // Manifests, diffs and files are memory: no browser or proxy cache may keep them.
    c.res.headers.set("Cache-Control", "no-store");
  });
  app.use(limitUrlLength(MAX_URL));
  const hostGuard = requireAllowedHost(hostAllowList(deps.apiHost ?? "127.0.0.1", deps.allowedHosts ?? ""));
  app.use((c, next) => (OPEN_TO_ANY_HOST.has(c.req.path) ? next() : hostGuard(c, next)));
  app.use(
    bodyLimit({
      maxSize: maxBody,
      onError: (c) => c.json({ error: `request body too large: at most ${maxBody} bytes` }, 413),
    }),
  );

  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/readyz", async (c) => {
    const r = await deps.readiness();
    return c.json(r, r.ready ? 200 : 503);
  });
  // /status is polled (dashboards, probes, load balancers): the part that reads the volumes is shared by
  // concurrent requests and reused for statusTtlMs; any dream event makes it stale at once.
  let shared: { at: number; body: Promise<Awaited<ReturnType<typeof volumeStatus>>> } | null = null;
  deps.runner.subscribe(() => {
    shared = null;
  });
  const ttl = deps.statusTtlMs ?? 1_000;
  const volumeStatus = async () => {
    const state = await deps.state();
    return {
      lastSuccess: state.lastSuccess,
      lastAttempt: state.lastAttempt,
      consecutiveFailures: state.consecutiveFailures,
      gates: await deps.gates(state),
      lock: (await deps.lock?.()) ?? null,
    };
  };
  app.get("/status", async (c) => {
    const now = Date.now();
    if (!shared || now - shared.at > ttl) {
      const body = volumeStatus();
      shared = { at: now, body };
      body.catch(() => {
        if (shared?.body === body) shared = null;
      });
    }
    const vol = await shared.body;
    // A failed dream's error may name memory files: only a token holder sees it.
    const lastAttempt = check(c) ? vol.lastAttempt : withoutError(vol.lastAttempt);
    return c.json(
      redactDeep(
        {
          ...deps.runner.status(),
          ...vol,
          lastAttempt,
          scheduler: deps.scheduler?.() ?? null,
          autonomy: deps.autonomy ?? "review",
        },
        redact,
      ),
    );
  });
  app.get("/metrics", async (c) => {
    if (!deps.metrics) return c.json({ error: "metrics are not enabled" }, 404);
    const registry = await deps.metrics();
    return c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
  });
  app.get("/openapi.json", (c) => c.json(openApiDocument()));

  app.get("/dreams", auth, async (c) =>
    c.json({ dreams: await deps.proposals.list(), running: deps.runner.status().current }),
  );
  app.get("/dreams/:id", auth, async (c) => {
    const id = c.req.param("id");
    const s = await deps.proposals.summary(id);
    if (s?.status === "broken") {
      return c.json({ error: `dream ${id} is broken: ${s.reason}`, status: "broken", reason: s.reason }, 422);
    }
    const m = s && (await deps.proposals.manifest(id));
    return m ? c.json(m) : c.json({ error: `no dream ${named(id)}` }, 404);
  });
  app.get("/dreams/:id/diff", auth, async (c) => {
    const d = await deps.proposals.diff(c.req.param("id"));
    if (d === null) return c.json({ error: `no dream ${named(c.req.param("id"))}` }, 404);
    return c.body(d, 200, { "content-type": "text/x-diff; charset=utf-8" });
  });
  app.get("/dreams/:id/files/*", auth, async (c) => {
    const id = c.req.param("id");
    // Decode exactly once, from the raw URL: a stored name may itself contain '%'.
    const raw = new URL(c.req.url).pathname;
    const at = raw.indexOf("/files/");
    let rel: string;
    try {
      rel = decodeURIComponent(raw.slice(at + "/files/".length));
    } catch {
      return c.json({ error: "malformed percent-encoding in the path" }, 400);
    }
    if (!rel) return c.json({ error: "name a file: /dreams/:id/files/<path>" }, 400);
    let data: Buffer | null;
    try {
      data = await deps.proposals.file(id, rel);
    } catch (err) {
      if (!(err instanceof PathError)) throw err;
      return c.json({ error: "path refused: outside the proposed store, or through a symlink" }, 400);
    }
    if (!data) return c.json({ error: `no such file in dream ${named(id)}` }, 404);
    const text = /\.(md|markdown|txt)$/i.test(rel);
    return c.body(new Uint8Array(data), 200, {
      "content-type": text ? "text/plain; charset=utf-8" : "application/octet-stream",
    });
  });

  app.post("/dreams", auth, async (c) => {
    const body = await jsonBody(c.req.raw, startDreamBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    let now: Date | undefined;
    if (body.data.now) {
      now = new Date(body.data.now);
      const latest = clock() + MAX_AHEAD_MS;
      if (!(now.getTime() >= EARLIEST_NOW && now.getTime() <= latest)) {
        return c.json(
          {
            error: `invalid body: now must be between 2000-01-01T00:00:00Z and one day after the server clock (${new Date(latest).toISOString()})`,
          },
          400,
        );
      }
    }
    const { instructions } = body.data;
    const { dreamId } = await deps.runner.start({
      ...(now ? { now } : {}),
      ...(instructions !== undefined ? { instructions } : {}),
    });
    return c.json({ dreamId, events: "/events", manifest: `/dreams/${dreamId}` }, 202);
  });
  app.post("/dreams/:id/cancel", auth, async (c) => {
    const id = c.req.param("id");
    if (deps.runner.cancel(id)) return c.json({ cancelled: id }, 202);
    if (await deps.proposals.summary(id)) return c.json({ error: `dream ${id} is not running` }, 409);
    return c.json({ error: `no running dream ${named(id)}` }, 404);
  });
  app.post("/dreams/:id/discard", auth, async (c) => {
    const id = c.req.param("id");
    if (deps.runner.status().current?.dreamId === id) {
      return c.json({ error: `dream ${id} is running: cancel it first` }, 409);
    }
    return (await deps.proposals.discard(id))
      ? c.json({ discarded: id })
      : c.json({ error: `no dream ${named(id)}` }, 404);
  });

  reviewRoutes(app, auth, deps.review ?? unavailableReview);
  uiRoutes(app, {
    runner: deps.runner,
    proposals: deps.proposals,
    review: deps.review ?? unavailableReview,
    sessions,
    isToken: sameToken(deps.token),
    state: deps.state,
    gates: deps.gates,
    ...(deps.scheduler ? { scheduler: deps.scheduler } : {}),
    autonomy: deps.autonomy ?? "review",
    ...(deps.triggers ? { triggers: deps.triggers } : {}),
    ...(deps.transcript ? { transcript: deps.transcript } : {}),
    redact,
  });

  app.get("/events", auth, (c) => {
    const release = streams.take();
    if (!release) {
      c.header("Retry-After", "5");
      return c.json({ error: "too many open event streams: retry later" }, 429);
    }
    return streamSSE(c, async (stream) => {
      let seq = 0;
      const queue: Promise<void>[] = [];
      const unsubscribe = deps.runner.subscribe((e) => {
        // `dir` is a server path; clients find the proposal by its id.
        const data = e.type === "dream" ? { ...e.data, dir: undefined } : e.data;
        queue.push(stream.writeSSE({ event: e.type, id: String(++seq), data: redact(JSON.stringify(data)) }));
      });
      const closed = new Promise<void>((resolve) => stream.onAbort(resolve));
      const beat = setInterval(() => {
        void stream.write(": keep-alive\n\n").catch(() => {});
      }, deps.heartbeatMs ?? 15_000);
      try {
        await stream.writeSSE({ event: "hello", data: JSON.stringify(deps.runner.status()) });
        await closed;
      } finally {
        clearInterval(beat);
        unsubscribe();
        release();
        await Promise.allSettled(queue);
      }
    });
  });

  return app;
}
