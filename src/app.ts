import { createHash, timingSafeEqual } from "node:crypto";
import { Hono, type MiddlewareHandler } from "hono";
import { streamSSE } from "hono/streaming";
import type { Registry } from "prom-client";
import { z } from "zod";
import type { DreamRunner } from "./dream-runner.ts";
import { BusyError, errorMessage, PathError } from "./errors.ts";
import type { Gates } from "./gates.ts";
import type { LockInfo } from "./lock.ts";
import { openApiDocument } from "./openapi.ts";
import type { Proposals } from "./proposals.ts";
import type { Decision } from "./scheduler.ts";
import type { State } from "./state.ts";

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
  /** Who holds the dream lock on the proposals volume. */
  lock?: () => Promise<LockInfo | null>;
  /** Prometheus registry served at /metrics (loaded lazily by the caller). */
  metrics?: () => Promise<Registry>;
  /** How long /status may reuse what it read from the volumes (default 1 s). */
  statusTtlMs?: number;
  /** Heartbeat interval for /events, so proxies keep the stream open. */
  heartbeatMs?: number;
}

export const startDreamBody = z
  .object({ now: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional() })
  .strict();

const digest = (s: string) => createHash("sha256").update(s).digest();

function requireToken(token: string): MiddlewareHandler {
  const want = digest(token);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(\S.*)$/i.exec(header);
    if (!m?.[1] || !timingSafeEqual(digest(m[1].trim()), want)) {
      c.header("WWW-Authenticate", 'Bearer realm="dreamd"');
      return c.json({ error: "unauthorized: send Authorization: Bearer <token>" }, 401);
    }
    await next();
  };
}

/** Parse an optional JSON body with a zod schema; an empty body is `{}`. */
async function jsonBody<T extends z.ZodType>(
  req: Request,
  schema: T,
): Promise<{ ok: true; data: z.output<T> } | { ok: false; error: string }> {
  const text = await req.text();
  let raw: unknown = {};
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, error: "body is not valid JSON" };
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `invalid body: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? ""}`.trim(),
    };
  }
  return { ok: true, data: parsed.data };
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const auth = requireToken(deps.token);

  app.onError((err, c) => {
    if (err instanceof PathError) return c.json({ error: err.message }, 400);
    if (err instanceof BusyError) return c.json({ error: err.message }, 409);
    return c.json({ error: `internal error: ${errorMessage(err)}` }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));

  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/readyz", async (c) => {
    const r = await deps.readiness();
    return c.json(r, r.ready ? 200 : 503);
  });
  // /status is polled (dashboards, probes, load balancers): the part that reads the volumes is shared by
  // concurrent requests and reused for statusTtlMs; any dream event makes it stale at once.
  let shared: { at: number; body: Promise<object> } | null = null;
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
    return c.json({ ...deps.runner.status(), ...vol, scheduler: deps.scheduler?.() ?? null });
  });
  app.get("/metrics", async (c) => {
    if (!deps.metrics) return c.json({ error: "metrics are not enabled" }, 404);
    const registry = await deps.metrics();
    return c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
  });
  app.get("/openapi.json", (c) => c.json(openApiDocument()));

  app.get("/dreams", async (c) =>
    c.json({ dreams: await deps.proposals.list(), running: deps.runner.status().current }),
  );
  app.get("/dreams/:id", async (c) => {
    const m = await deps.proposals.manifest(c.req.param("id"));
    return m ? c.json(m) : c.json({ error: `no dream ${c.req.param("id")}` }, 404);
  });
  app.get("/dreams/:id/diff", async (c) => {
    const d = await deps.proposals.diff(c.req.param("id"));
    if (d === null) return c.json({ error: `no dream ${c.req.param("id")}` }, 404);
    return c.body(d, 200, { "content-type": "text/x-diff; charset=utf-8" });
  });
  app.get("/dreams/:id/files/*", async (c) => {
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
    const data = await deps.proposals.file(id, rel);
    if (!data) return c.json({ error: `no file ${rel} in dream ${id}` }, 404);
    const text = /\.(md|markdown|txt)$/i.test(rel);
    return c.body(new Uint8Array(data), 200, {
      "content-type": text ? "text/plain; charset=utf-8" : "application/octet-stream",
      "x-content-type-options": "nosniff",
    });
  });

  app.post("/dreams", auth, async (c) => {
    const body = await jsonBody(c.req.raw, startDreamBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const { dreamId } = await deps.runner.start(body.data.now ? { now: new Date(body.data.now) } : {});
    return c.json({ dreamId, events: "/events", manifest: `/dreams/${dreamId}` }, 202);
  });
  app.post("/dreams/:id/cancel", auth, async (c) => {
    const id = c.req.param("id");
    if (deps.runner.cancel(id)) return c.json({ cancelled: id }, 202);
    if (await deps.proposals.manifest(id)) return c.json({ error: `dream ${id} is not running` }, 409);
    return c.json({ error: `no running dream ${id}` }, 404);
  });
  app.post("/dreams/:id/discard", auth, async (c) => {
    const id = c.req.param("id");
    if (deps.runner.status().current?.dreamId === id) {
      return c.json({ error: `dream ${id} is running: cancel it first` }, 409);
    }
    return (await deps.proposals.discard(id))
      ? c.json({ discarded: id })
      : c.json({ error: `no dream ${id}` }, 404);
  });

  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      let seq = 0;
      const queue: Promise<void>[] = [];
      const unsubscribe = deps.runner.subscribe((e) => {
        queue.push(stream.writeSSE({ event: e.type, id: String(++seq), data: JSON.stringify(e.data) }));
      });
      const closed = new Promise<void>((resolve) => stream.onAbort(resolve));
      await stream.writeSSE({ event: "hello", data: JSON.stringify(deps.runner.status()) });
      const beat = setInterval(() => {
        void stream.write(": keep-alive\n\n").catch(() => {});
      }, deps.heartbeatMs ?? 15_000);
      await closed;
      clearInterval(beat);
      unsubscribe();
      await Promise.allSettled(queue);
    }),
  );

  return app;
}
