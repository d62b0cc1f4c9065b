import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { EXAMPLES, testGates } from "../../test/fixtures.ts";
import { createDreamRunner, type DreamRunner } from "../dream/runner.ts";
import type { Engine } from "../engine/engine.ts";
import { createOfflineEngine } from "../engine/offline/engine.ts";
import { createLogger, type Logger, silentLogger } from "../logger.ts";
import type { Manifest } from "../manifest.ts";
import { manifestSchema } from "../manifest.ts";
import { createProposals, type Proposals } from "../proposal/proposals.ts";
import { REDACTED, redactingLogger } from "../redact.ts";
import { readState } from "../state/state.ts";
import { createFormatRegistry } from "../transcripts/registry.ts";
import { type AppDeps, createApp } from "./app.ts";

const TOKEN = "test-token";
const auth = { authorization: `Bearer ${TOKEN}` };
let work: string;

/** The offline engine behind a gate the test opens, so "a dream is running" is a state, not a race. */
function gatedEngine(): { engine: Engine; open: () => void } {
  const inner = createOfflineEngine();
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  return {
    open,
    engine: {
      ...inner,
      async consolidate(ctx) {
        await new Promise<void>((resolve, reject) => {
          gate.then(resolve);
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
        });
        return inner.consolidate(ctx);
      },
    },
  };
}

function runnerDeps(engine: Engine, memoryDir = join(work, "memory"), log: Logger = silentLogger) {
  const proposalsDir = join(work, "proposals");
  return {
    engine,
    registry: createFormatRegistry(),
    now: () => new Date("2026-03-20T18:00:00Z"),
    log,
    options: {
      memoryDir,
      sessionsDir: join(EXAMPLES, "sessions"),
      proposalsDir,
      snapshotsDir: join(proposalsDir, "snapshots"),
      maxSessions: 100,
      maxFileBytes: 1 << 20,
      maxTranscriptBytes: 1 << 25,
    },
  };
}

function setup(
  engine: Engine,
  memoryDir = join(work, "memory"),
  extra: Partial<AppDeps> & { runnerLog?: Logger } = {},
) {
  const registry = createFormatRegistry();
  const proposalsDir = join(work, "proposals");
  const sessionsDir = join(EXAMPLES, "sessions");
  const { runnerLog, ...appExtra } = extra;
  const runner: DreamRunner = createDreamRunner(runnerDeps(engine, memoryDir, runnerLog));
  const gates = testGates(sessionsDir, proposalsDir, registry);
  const app = createApp({
    runner,
    proposals: createProposals(proposalsDir),
    token: TOKEN,
    readiness: async () => ({
      ready: memoryDir.endsWith("memory"),
      reasons: memoryDir.endsWith("memory") ? [] : [`${memoryDir} is not a directory`],
    }),
    state: () => readState(proposalsDir),
    gates: (s) => gates.check(s, new Date("2026-03-20T18:00:00Z")),
    heartbeatMs: 50,
    ...appExtra,
  });
  return { app, runner };
}

async function finished(runner: DreamRunner): Promise<void> {
  while (runner.status().state === "running") await new Promise((r) => setTimeout(r, 5));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-api-"));
  await cp(join(EXAMPLES, "memory"), join(work, "memory"), { recursive: true });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("API", () => {
  it("health, readiness, openapi, unknown routes", async () => {
    const { app } = setup(createOfflineEngine());
    expect((await app.request("/healthz")).status).toBe(200);
    expect(await (await app.request("/readyz")).json()).toEqual({ ready: true, reasons: [] });
    const notReady = setup(createOfflineEngine(), join(work, "missing")).app;
    expect((await notReady.request("/readyz")).status).toBe(503);
    const doc = (await (await app.request("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/dreams/{id}/discard");
    const nf = await app.request("/nope");
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ error: "no route GET /nope" });
  });

  it("mutating routes need the bearer token", async () => {
    const { app } = setup(createOfflineEngine());
    for (const path of [
      "/dreams",
      "/dreams/20260320T180000Z-abcdef/cancel",
      "/dreams/20260320T180000Z-abcdef/discard",
    ]) {
      expect((await app.request(path, { method: "POST" })).status).toBe(401);
      expect(
        (await app.request(path, { method: "POST", headers: { authorization: "Bearer wrong" } })).status,
      ).toBe(401);
    }
  });

  it("rejects a bad body with 400", async () => {
    const { app } = setup(createOfflineEngine());
    const post = (body: string) =>
      app.request("/dreams", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body,
      });
    for (const body of ["{not json", '{"now":"yesterday"}', '{"engine":"claude"}', "[1]"]) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/body/);
    }
  });

  it("starts a dream (202), refuses a second while it runs (409), then serves the proposal", async () => {
    const { engine, open } = gatedEngine();
    const { app, runner } = setup(engine);
    const status0 = (await (await app.request("/status")).json()) as {
      gates: { sessionsSinceLast: number; due: boolean };
      autonomy: string;
    };
    expect(status0.gates).toMatchObject({ sessionsSinceLast: 6, due: true });
    // Which mode runs: review-only unless DREAMD_AUTONOMY says otherwise.
    expect(status0.autonomy).toBe("review");

    const res = await app.request("/dreams", { method: "POST", headers: auth });
    expect(res.status).toBe(202);
    const { dreamId } = (await res.json()) as { dreamId: string };
    expect((await app.request("/dreams", { method: "POST", headers: auth })).status).toBe(409);
    expect(((await (await app.request("/status")).json()) as { state: string }).state).toBe("running");
    expect((await app.request(`/dreams/${dreamId}/discard`, { method: "POST", headers: auth })).status).toBe(
      409,
    );
    open();
    await finished(runner);

    const status = (await (await app.request("/status")).json()) as {
      state: string;
      lastSuccess: { dreamId: string };
      gates: { sessionsSinceLast: number };
    };
    expect(status).toMatchObject({
      state: "idle",
      lastSuccess: { dreamId },
      gates: { sessionsSinceLast: 0 },
    });
    const list = (await (await app.request("/dreams", { headers: auth })).json()) as {
      dreams: { id: string }[];
    };
    expect(list.dreams.map((d) => d.id)).toContain(dreamId);
    const manifest = manifestSchema.parse(
      await (await app.request(`/dreams/${dreamId}`, { headers: auth })).json(),
    );
    expect(manifest.dreamId).toBe(dreamId);
    const diff = await app.request(`/dreams/${dreamId}/diff`, { headers: auth });
    expect(diff.headers.get("content-type")).toMatch(/text\/x-diff/);
    expect(await diff.text()).toMatch(/^diff --git a\//);
    const file = await app.request(`/dreams/${dreamId}/files/notes/2026-03-03.md`, { headers: auth });
    expect(await file.text()).toContain("Deployed v2.3.1 to staging on 2026-03-02.");

    expect((await app.request(`/dreams/${dreamId}/files/nope.md`, { headers: auth })).status).toBe(404);
    expect((await app.request(`/dreams/${dreamId}/files/%E0%A4%A`, { headers: auth })).status).toBe(400);
    expect(
      (await app.request(`/dreams/${dreamId}/files/..%2F..%2F..%2Fetc%2Fpasswd`, { headers: auth })).status,
    ).toBe(400);
    expect((await app.request("/dreams/20990101T000000Z-000000", { headers: auth })).status).toBe(404);
    expect((await app.request("/dreams/..%2Fsnapshots", { headers: auth })).status).toBe(404);
    expect((await app.request("/dreams/20990101T000000Z-000000/diff", { headers: auth })).status).toBe(404);
    expect((await app.request(`/dreams/${dreamId}/cancel`, { method: "POST", headers: auth })).status).toBe(
      409,
    );
    expect(
      (await app.request("/dreams/20990101T000000Z-000000/cancel", { method: "POST", headers: auth })).status,
    ).toBe(404);

    expect((await app.request(`/dreams/${dreamId}/discard`, { method: "POST", headers: auth })).status).toBe(
      200,
    );
    expect((await app.request(`/dreams/${dreamId}`, { headers: auth })).status).toBe(404);
    expect((await app.request(`/dreams/${dreamId}/discard`, { method: "POST", headers: auth })).status).toBe(
      404,
    );
  });

  it("two dreamd instances on one volume never dream at once", async () => {
    const { createLock } = await import("../dream/lock.ts");
    const lockDir = join(work, "proposals", ".dreamd");
    const a = gatedEngine();
    const one = createDreamRunner({
      ...runnerDeps(a.engine),
      lock: (onLost) =>
        createLock({ dir: lockDir, holder: "A", staleMs: 60_000, heartbeatMs: 1_000, onLost }),
    });
    const two = createDreamRunner({
      ...runnerDeps(createOfflineEngine()),
      lock: (onLost) =>
        createLock({ dir: lockDir, holder: "B", staleMs: 60_000, heartbeatMs: 1_000, onLost }),
    });
    await one.start();
    await expect(two.start()).rejects.toThrow(/another dreamd \(A\) is running dream/);
    a.open();
    await finished(one);
    const { done } = await two.start();
    expect((await done)?.dreamId).toBeDefined();
  });

  it("cancels a running dream", async () => {
    const { engine } = gatedEngine();
    const { app, runner } = setup(engine);
    const { dreamId } = (await (await app.request("/dreams", { method: "POST", headers: auth })).json()) as {
      dreamId: string;
    };
    expect((await app.request(`/dreams/${dreamId}/cancel`, { method: "POST", headers: auth })).status).toBe(
      202,
    );
    await finished(runner);
    const status = (await (await app.request("/status")).json()) as {
      lastAttempt: { dreamId: string; status: string };
    };
    expect(status.lastAttempt).toMatchObject({ dreamId, status: "cancelled" });
    expect((await app.request(`/dreams/${dreamId}`, { headers: auth })).status).toBe(404);
  });

  it("streams phase events of a real dream over SSE", async () => {
    const { app } = setup(createOfflineEngine());
    const events = await app.request("/events", { headers: auth });
    expect(events.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const started = await app.request("/dreams", { method: "POST", headers: auth });
    const { dreamId } = (await started.json()) as { dreamId: string };
    const decoder = new TextDecoder();
    let text = "";
    while (!/"status":"(complete|failed|cancelled)"/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    await reader.cancel();
    const parsed = text
      .split("\n\n")
      .map((block) => ({
        event: /^event: (.*)$/m.exec(block)?.[1],
        data: /^data: (.*)$/m.exec(block)?.[1],
      }))
      .filter((e) => e.event === "phase")
      .map((e) => JSON.parse(e.data ?? "{}") as { dreamId: string; phase: string; status: string });
    expect(parsed.map((e) => `${e.phase}:${e.status}`)).toEqual([
      "orient:start",
      "orient:done",
      "consolidate:start",
      "consolidate:done",
      "output:start",
      "output:done",
    ]);
    expect(new Set(parsed.map((e) => e.dreamId))).toEqual(new Set([dreamId]));
    expect(text).toContain(`"status":"complete"`);
  });
});

const FAKE_KEY = "sk-ant-api03-fake-key-for-tests-0123456789";

/** Every line the logger writes, as pino writes it. */
function captureLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: createLogger("debug", (l) => lines.push(l)) };
}

async function dreamOnce(app: ReturnType<typeof setup>["app"], runner: DreamRunner): Promise<string> {
  const res = await app.request("/dreams", { method: "POST", headers: auth });
  expect(res.status).toBe(202);
  const { dreamId } = (await res.json()) as { dreamId: string };
  await finished(runner);
  return dreamId;
}

/** A response's text; of an event stream, the first chunk (the stream never ends by itself). */
async function bodyOf(res: Response): Promise<string> {
  if (!res.headers.get("content-type")?.includes("event-stream")) return res.text();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}

describe("API hardening", () => {
  const proposalsDir = () => join(work, "proposals");
  let dreamId: string;
  beforeAll(async () => {
    const { app, runner } = setup(createOfflineEngine());
    dreamId = await dreamOnce(app, runner);
  });

  it("every route that shows memory or proposals needs the token, as a bearer header or a cookie", async () => {
    const { app } = setup(createOfflineEngine());
    const memoryRoutes = [
      "/dreams",
      `/dreams/${dreamId}`,
      `/dreams/${dreamId}/diff`,
      `/dreams/${dreamId}/files/MEMORY.md`,
      "/events",
    ];
    for (const path of memoryRoutes) {
      for (const headers of [
        {},
        { authorization: "Bearer wrong" },
        { cookie: "dreamd_token=wrong" },
        { authorization: TOKEN },
      ]) {
        const res = await app.request(path, { headers });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(await res.json()).toEqual({ error: expect.stringMatching(/^unauthorized/) });
      }
      for (const headers of [auth, { cookie: `dreamd_token=${TOKEN}` }]) {
        const res = await app.request(path, { headers });
        expect(res.status, path).toBe(200);
        await res.body?.cancel();
      }
    }
    for (const path of ["/healthz", "/readyz", "/status", "/openapi.json"]) {
      expect((await app.request(path)).status, path).toBe(200);
    }
  });

  it("the OpenAPI document says which routes need the token, and it is right", async () => {
    const { app } = setup(createOfflineEngine(), undefined, {
      metrics: async () => ({ metrics: async () => "", contentType: "text/plain" }) as unknown as Registry,
    });
    const doc = (await (await app.request("/openapi.json")).json()) as {
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    expect(doc.components.securitySchemes).toEqual({
      bearer: { type: "http", scheme: "bearer" },
      cookie: { type: "apiKey", in: "cookie", name: "dreamd_token" },
    });
    const concrete = (p: string) => p.replace("{id}", dreamId).replace("{path}", "MEMORY.md");
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const res = await app.request(concrete(path), { method: method.toUpperCase() });
        expect(res.status === 401, `${method} ${path}`).toBe(Boolean(op.security));
        const probe = ["/healthz", "/readyz", "/metrics"].includes(path);
        expect(Object.keys(op.responses).includes("421"), `${method} ${path}`).toBe(!probe);
        await res.body?.cancel();
      }
    }
    expect(Object.keys(doc.paths["/events"]?.get?.responses ?? {})).toContain("429");
    expect(Object.keys(doc.paths["/dreams"]?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(["202", "400", "401", "403", "409", "413", "414", "421"]),
    );
    expect(Object.keys(doc.paths["/dreams/{id}"]?.get?.responses ?? {})).toContain("422");
  });

  it("probes and /metrics answer any Host without a token and show no memory; other routes need an allowed Host (421)", async () => {
    const { createMetrics } = await import("./metrics.ts");
    const m = createMetrics({ sessionsPending: async () => 0, lastSuccess: async () => null });
    const { app, runner } = setup(createOfflineEngine(), undefined, {
      metrics: async () => m.registry,
      allowedHosts: "dreamd,*.agents.svc.cluster.local",
    });
    runner.subscribe((e) => m.observe(e));
    const id = await dreamOnce(app, runner);
    // The kubelet and Prometheus call by pod IP.
    const podIp = { host: "10.244.1.7:8787" };
    for (const path of ["/healthz", "/readyz", "/metrics"]) {
      const res = await app.request(path, { headers: podIp });
      expect(res.status, path).toBe(200);
      const text = await res.text();
      for (const s of ["MEMORY.md", "feedback_", "notes/", "Deployed", work, id])
        expect(text, path).not.toContain(s);
      if (path === "/metrics") expect(text).toMatch(/^dreamd_dreams_total\{status="complete"\} 1$/m);
    }
    const refused: [string, RequestInit][] = [
      ["/dreams", { headers: { ...auth, ...podIp } }],
      [`/dreams/${id}`, { headers: { ...auth, ...podIp } }],
      ["/events", { headers: { ...auth, ...podIp } }],
      ["/status", { headers: podIp }],
      ["/openapi.json", { headers: podIp }],
      ["/nope", { headers: podIp }],
      ["/dreams", { method: "POST", headers: { ...auth, ...podIp } }],
      ["/dreams", { headers: { ...auth, host: "rebind.evil.example:8787" } }],
      ["/dreams", { headers: { ...auth, host: "localhost.evil.example" } }],
      ["/dreams", { headers: { ...auth, host: "svc.cluster.local" } }],
      ["http://rebind.evil.example/dreams", { headers: auth }],
    ];
    for (const [path, init] of refused) {
      const res = await app.request(path, init);
      expect(res.status, `${path} ${JSON.stringify(init)}`).toBe(421);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/^misdirected request/) });
    }
    for (const host of [
      "localhost:8787",
      "127.0.0.1:8787",
      "[::1]:8787",
      "dreamd:8787",
      "x.agents.svc.cluster.local",
    ]) {
      expect((await app.request("/dreams", { headers: { ...auth, host } })).status, host).toBe(200);
    }
    const listen = setup(createOfflineEngine(), undefined, { apiHost: "10.244.1.7" }).app;
    expect((await listen.request("/dreams", { headers: { ...auth, ...podIp } })).status).toBe(200);
    const any = setup(createOfflineEngine(), undefined, { apiHost: "0.0.0.0" }).app;
    expect((await any.request("/dreams", { headers: { ...auth, host: "0.0.0.0:8787" } })).status).toBe(421);
  });

  it("secure headers everywhere; no-store on every answer", async () => {
    const { app } = setup(createOfflineEngine());
    const cases: [string, Record<string, string>][] = [
      [`/dreams/${dreamId}`, auth],
      [`/dreams/${dreamId}/diff`, auth],
      [`/dreams/${dreamId}/files/MEMORY.md`, auth],
      ["/events", auth],
      ["/dreams", {}],
      ["/status", {}],
      ["/nope", {}],
      ["/dreams", { host: "evil.example" }],
    ];
    for (const [path, headers] of cases) {
      const res = await app.request(path, { headers });
      const h = (name: string) => res.headers.get(name);
      expect(h("x-content-type-options"), path).toBe("nosniff");
      expect(h("x-frame-options"), path).toBe("DENY");
      expect(h("referrer-policy"), path).toBe("no-referrer");
      expect(h("content-security-policy"), path).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
      expect(h("cache-control"), path).toBe("no-store");
      await res.body?.cancel();
    }
  });

  it("413 for a body over DREAMD_MAX_BODY_BYTES, with or without a Content-Length", async () => {
    const { app } = setup(createOfflineEngine(), undefined, { maxBodyBytes: 1024 });
    const big = "x".repeat(50 * 1024 * 1024);
    const declared = await app.request("/dreams", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", "content-length": String(big.length) },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: "request body too large: at most 1024 bytes" });
    const chunk = new TextEncoder().encode("y".repeat(512));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(chunk);
        c.close();
      },
    });
    const chunked = await app.request("/dreams", {
      method: "POST",
      headers: auth,
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    // Under the limit the body reaches the handler, which refuses it as JSON.
    const under = await app.request("/dreams", {
      method: "POST",
      headers: auth,
      body: `${" ".repeat(1000)}{`,
    });
    expect(under.status).toBe(400);
  });

  it("bounds the `now` a client may ask for against the app's clock (400)", async () => {
    const { app, runner } = setup(createOfflineEngine(), undefined, {
      clock: () => Date.parse("2026-03-20T18:00:00Z"),
    });
    const post = (now: string) =>
      app.request("/dreams", { method: "POST", headers: auth, body: JSON.stringify({ now }) });
    for (const now of [
      "9999-12-31T23:59:59Z",
      "1999-12-31T23:59:59Z",
      "0001-01-01T00:00:00Z",
      "2026-03-21T18:00:01Z",
    ]) {
      const res = await post(now);
      expect(res.status, now).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe(
        "invalid body: now must be between 2000-01-01T00:00:00Z and one day after the server clock (2026-03-21T18:00:00.000Z)",
      );
    }
    const ok = await post("2026-03-21T17:00:00+00:00");
    expect(ok.status).toBe(202);
    const { dreamId: id } = (await ok.json()) as { dreamId: string };
    expect(id).toMatch(/^20260321T170000Z-/);
    await finished(runner);
    expect((await app.request(`/dreams/${id}/discard`, { method: "POST", headers: auth })).status).toBe(200);
  });

  it("caps open /events streams (429 + Retry-After); a closed stream frees its slot", async () => {
    const { app } = setup(createOfflineEngine(), undefined, { maxEventStreams: 2 });
    const open = () => app.request("/events", { headers: auth });
    const a = await open();
    const b = await open();
    expect([a.status, b.status]).toEqual([200, 200]);
    const third = await open();
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("5");
    expect(await third.json()).toEqual({ error: "too many open event streams: retry later" });
    await a.body?.cancel();
    let again = await open();
    for (let i = 0; i < 100 && again.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      again = await open();
    }
    expect(again.status).toBe(200);
    expect((await open()).status).toBe(429);
    await b.body?.cancel();
    await again.body?.cancel();
  });

  it("414 for an over-long URL; an over-long file name is a 404, not a 500", async () => {
    const { app } = setup(createOfflineEngine());
    const long = "a".repeat(15 * 1024);
    for (const path of [`/dreams/${dreamId}/files/${long}.md`, `/${long}`, `/dreams/${long}/diff`]) {
      const res = await app.request(path, { headers: auth });
      expect(res.status).toBe(414);
      expect(await res.json()).toEqual({ error: "URI too long: at most 8192 characters" });
    }
    for (const rel of [`${"b".repeat(300)}.md`, `${"c/".repeat(2100)}d.md`]) {
      const res = await app.request(`/dreams/${dreamId}/files/${rel}`, { headers: auth });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: `no such file in dream ${dreamId}` });
    }
  });

  it("ten concurrent discards of one id: one 200, the rest 404 or 409, never 500", async () => {
    const { app, runner } = setup(createOfflineEngine());
    const id = await dreamOnce(app, runner);
    const codes = await Promise.all(
      Array.from({ length: 10 }, async () => {
        return (await app.request(`/dreams/${id}/discard`, { method: "POST", headers: auth })).status;
      }),
    );
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c !== 200 && c !== 404 && c !== 409)).toEqual([]);
  });

  it("a truncated manifest.json: listed as broken, GET says why (422), discard works", async () => {
    const { app } = setup(createOfflineEngine());
    const broken = "20260101T000000Z-badbad";
    await cp(join(proposalsDir(), dreamId), join(proposalsDir(), broken), { recursive: true });
    const text = await readFile(join(proposalsDir(), broken, "manifest.json"), "utf8");
    await writeFile(join(proposalsDir(), broken, "manifest.json"), text.slice(0, 100));
    const reason = "manifest.json is not valid JSON (truncated or corrupt)";
    const res = await app.request("/dreams", { headers: auth });
    expect(res.status).toBe(200);
    const { dreams } = (await res.json()) as { dreams: { id: string; status: string }[] };
    expect(dreams.find((d) => d.id === broken)).toEqual({ id: broken, status: "broken", reason });
    // The intact proposal lists as usual (earlier tests here dreamt again, so the ledger may mark it superseded).
    const intact = dreams.find((d) => d.id === dreamId);
    expect(intact).toMatchObject({ engine: "offline" });
    expect(["pending", "superseded"]).toContain(intact?.status);
    const one = await app.request(`/dreams/${broken}`, { headers: auth });
    expect(one.status).toBe(422);
    expect(await one.json()).toEqual({
      error: `dream ${broken} is broken: ${reason}`,
      status: "broken",
      reason,
    });
    expect((await app.request(`/dreams/${broken}/diff`, { headers: auth })).status).toBe(404);
    expect((await app.request(`/dreams/${broken}/discard`, { method: "POST", headers: auth })).status).toBe(
      200,
    );
    expect((await app.request(`/dreams/${broken}`, { headers: auth })).status).toBe(404);
  });

  it("an unexpected error answers 500 with an error id and no detail; the logger gets the detail", async () => {
    const { log, lines } = captureLogger();
    const dir = proposalsDir();
    const proposals: Proposals = {
      ...createProposals(dir),
      async list() {
        throw Object.assign(new Error(`EACCES: permission denied, scandir '${dir}'`), { code: "EACCES" });
      },
    };
    const { app } = setup(createOfflineEngine(), undefined, { proposals, log });
    const res = await app.request("/dreams", { headers: auth });
    expect(res.status).toBe(500);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/^internal error \(error id [0-9a-f]{12}; the server log has the details\)$/);
    const errorId = /error id ([0-9a-f]+)/.exec(error)?.[1];
    const logged = lines.map((l) => JSON.parse(l) as Record<string, string>);
    expect(logged).toContainEqual(
      expect.objectContaining({ level: "error", msg: "request failed", errorId, route: "/dreams" }),
    );
    expect(logged.find((l) => l.errorId === errorId)?.error).toContain("EACCES");
  });

  it("no answer to hostile input names a server path, the token or a key", async () => {
    const { log, lines } = captureLogger();
    const dir = proposalsDir();
    const broken = "20260102T000000Z-b0b0b0";
    await mkdir(join(dir, broken, "store"), { recursive: true });
    await writeFile(join(dir, broken, "manifest.json"), "{");
    await symlink("/etc/passwd", join(dir, dreamId, "store", "escape.md"));
    await symlink(dir, join(dir, dreamId, "store", "up"));
    const { app } = setup(createOfflineEngine(), undefined, { log, secrets: [FAKE_KEY], maxBodyBytes: 4096 });
    const ids = [
      dreamId,
      broken,
      "20990101T000000Z-000000",
      "..%2F..",
      "%2e%2e%2f%2e%2e%2f.dreamd",
      "x".repeat(300),
      "%00",
      `${dreamId}%00`,
      "snapshots",
      ".dreamd",
      encodeURIComponent(FAKE_KEY),
      TOKEN,
    ];
    const files = [
      "escape.md",
      "up/.dreamd/api-token",
      "up/.dreamd/state.json",
      "..%2F..%2F.dreamd%2Fapi-token",
      "%2Fetc%2Fpasswd",
      "a%00b",
      "%E0%A4%A",
      `${"b".repeat(300)}.md`,
      `${"c/".repeat(2100)}d.md`,
      "notes",
      "",
      "MEMORY.md%00.txt",
      `${"d".repeat(9000)}`,
    ];
    const bodies = [
      "{",
      '{"now":"9999-12-31T23:59:59Z"}',
      '{"now":123}',
      `{"now":"${FAKE_KEY}"}`,
      "[]",
      "null",
    ];
    bodies.push('{"__proto__":{"x":1}}', "x".repeat(5000), `{"now":"${"9".repeat(3000)}"}`);
    const headerSets: Record<string, string>[] = [
      {},
      auth,
      { authorization: `Bearer ${FAKE_KEY}` },
      { cookie: `dreamd_token=${FAKE_KEY}` },
      { cookie: `dreamd_token=${TOKEN}`, origin: "http://evil.example" },
      { ...auth, host: `${FAKE_KEY}.evil.example` },
    ];
    const requests: [string, RequestInit][] = [];
    for (const headers of headerSets) {
      for (const path of [
        "/dreams",
        "/status",
        "/events",
        "/openapi.json",
        "/metrics",
        "/healthz",
        "/readyz",
      ]) {
        requests.push([path, { headers }]);
      }
      requests.push([`/${FAKE_KEY}`, { headers }], [`/${TOKEN}`, { headers }]);
      for (const id of ids) {
        requests.push([`/dreams/${id}`, { headers }], [`/dreams/${id}/diff`, { headers }]);
        requests.push([`/dreams/${id}/cancel`, { method: "POST", headers }]);
        if (id !== dreamId) requests.push([`/dreams/${id}/discard`, { method: "POST", headers }]);
      }
      for (const f of files) requests.push([`/dreams/${dreamId}/files/${f}`, { headers }]);
      for (const body of bodies) requests.push(["/dreams", { method: "POST", headers, body }]);
    }
    const forbidden = [dir, work, "/tmp/", join(work, "memory"), TOKEN, FAKE_KEY, "root:x:0:0"];
    const statuses = new Set<number>();
    for (const [path, init] of requests) {
      const res = await app.request(path, init);
      statuses.add(res.status);
      const what = `${init.method ?? "GET"} ${path.slice(0, 80)} ${JSON.stringify(init.headers)}`;
      expect(res.status, what).toBeLessThan(500);
      let text = await bodyOf(res);
      if (res.status === 200 && path === `/dreams/${dreamId}`) {
        // The manifest is the proposal's record: it names the memory dir and the snapshot file, as the
        // file on the volume does (`dreamd verify` takes that path). Nothing else in it may.
        const m = JSON.parse(text) as { base: { memoryDir: string; snapshot: { path: string } } };
        expect(m.base.memoryDir).toBe(join(work, "memory"));
        expect(m.base.snapshot.path.startsWith(join(dir, "snapshots"))).toBe(true);
        m.base.memoryDir = "";
        m.base.snapshot.path = "";
        text = JSON.stringify(m);
      }
      for (const s of forbidden) expect(text.includes(s), `${what} shows ${s}`).toBe(false);
    }
    expect([...statuses].sort()).toEqual([200, 400, 401, 403, 404, 409, 413, 414, 421, 422]);
    const logged = lines.join("\n");
    for (const s of [TOKEN, FAKE_KEY]) expect(logged).not.toContain(s);
  });

  it("a secret in a failed dream's error reaches neither a client nor the log", async () => {
    const { log, lines } = captureLogger();
    const redacting = redactingLogger(log, [TOKEN, FAKE_KEY]);
    const engine: Engine = {
      ...createOfflineEngine(),
      async consolidate() {
        throw new Error(`401 invalid x-api-key ${FAKE_KEY} (and the token ${TOKEN})`);
      },
    };
    const { app, runner } = setup(engine, undefined, {
      log: redacting,
      runnerLog: redacting,
      secrets: [FAKE_KEY],
    });
    const events = await app.request("/events", { headers: auth });
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    expect((await app.request("/dreams", { method: "POST", headers: auth })).status).toBe(202);
    let streamed = "";
    while (!/"status":"failed"/.test(streamed)) {
      const { value, done } = await reader.read();
      if (done) break;
      streamed += new TextDecoder().decode(value);
    }
    await reader.cancel();
    await finished(runner);
    const withToken = await (await app.request("/status", { headers: auth })).text();
    const without = (await (await app.request("/status")).json()) as { lastAttempt: Record<string, unknown> };
    expect(streamed).toContain(REDACTED);
    expect(withToken).toContain(`401 invalid x-api-key ${REDACTED}`);
    expect(without.lastAttempt).toMatchObject({ status: "failed", errorHidden: true });
    expect(without.lastAttempt.error).toBeUndefined();
    const logged = lines.join("\n");
    expect(logged).toContain("dream failed");
    for (const text of [streamed, withToken, JSON.stringify(without), logged]) {
      expect(text).not.toContain(FAKE_KEY);
      expect(text).not.toContain(TOKEN);
    }
  });
});

describe("POST /dreams with instructions", () => {
  it("POST /dreams takes the dream's instructions (≤ 4,096 characters) into its manifest", async () => {
    // Its own proposals volume, so the dream it runs is no other test's state.
    const { app, runner } = setup(createOfflineEngine());
    onTestFinished(() => rm(join(work, "proposals"), { recursive: true, force: true }));
    const post = (body: unknown) =>
      app.request("/dreams", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const long = await post({ instructions: "x".repeat(4097) });
    expect(long.status).toBe(400);
    expect(await long.json()).toEqual({
      error: "invalid body: instructions must be at most 4096 characters",
    });
    const res = await post({ instructions: "leave: notes/" });
    expect(res.status).toBe(202);
    const { dreamId } = (await res.json()) as { dreamId: string };
    await finished(runner);
    const m = (await (await app.request(`/dreams/${dreamId}`, { headers: auth })).json()) as Manifest;
    expect(m.instructions).toBe("leave: notes/");
    expect(
      m.operations.flatMap((o) => o.changes.map((c) => c.path)).filter((p) => p.startsWith("notes/")),
    ).toEqual([]);
  });
});
