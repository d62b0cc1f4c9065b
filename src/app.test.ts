import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES } from "../test/fixtures.ts";
import { createApp } from "./app.ts";
import { createDreamRunner, type DreamRunner } from "./dream-runner.ts";
import type { Engine } from "./engine.ts";
import { createGateChecker } from "./gates.ts";
import { silentLogger } from "./logger.ts";
import { manifestSchema } from "./manifest.ts";
import { createOfflineEngine } from "./offline-engine.ts";
import { createProposals } from "./proposals.ts";
import { readState } from "./state.ts";
import { createFormatRegistry } from "./transcripts/registry.ts";

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

function runnerDeps(engine: Engine, memoryDir = join(work, "memory")) {
  const proposalsDir = join(work, "proposals");
  return {
    engine,
    registry: createFormatRegistry(),
    now: () => new Date("2026-03-20T18:00:00Z"),
    log: silentLogger,
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

function setup(engine: Engine, memoryDir = join(work, "memory")) {
  const registry = createFormatRegistry();
  const proposalsDir = join(work, "proposals");
  const sessionsDir = join(EXAMPLES, "sessions");
  const runner: DreamRunner = createDreamRunner(runnerDeps(engine, memoryDir));
  const gates = createGateChecker(
    { sessionsDir, proposalsDir, minHours: 24, minSessions: 5, triggerMode: "any" },
    registry,
  );
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
    };
    expect(status0.gates).toMatchObject({ sessionsSinceLast: 6, due: true });

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
    const list = (await (await app.request("/dreams")).json()) as { dreams: { id: string }[] };
    expect(list.dreams.map((d) => d.id)).toContain(dreamId);
    const manifest = manifestSchema.parse(await (await app.request(`/dreams/${dreamId}`)).json());
    expect(manifest.dreamId).toBe(dreamId);
    const diff = await app.request(`/dreams/${dreamId}/diff`);
    expect(diff.headers.get("content-type")).toMatch(/text\/x-diff/);
    expect(await diff.text()).toMatch(/^diff --git a\//);
    const file = await app.request(`/dreams/${dreamId}/files/notes/2026-03-03.md`);
    expect(await file.text()).toContain("Deployed v2.3.1 to staging on 2026-03-02.");

    expect((await app.request(`/dreams/${dreamId}/files/nope.md`)).status).toBe(404);
    expect((await app.request(`/dreams/${dreamId}/files/%E0%A4%A`)).status).toBe(400);
    expect((await app.request(`/dreams/${dreamId}/files/..%2F..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
    expect((await app.request("/dreams/20990101T000000Z-000000")).status).toBe(404);
    expect((await app.request("/dreams/..%2Fsnapshots")).status).toBe(404);
    expect((await app.request("/dreams/20990101T000000Z-000000/diff")).status).toBe(404);
    expect((await app.request(`/dreams/${dreamId}/cancel`, { method: "POST", headers: auth })).status).toBe(
      409,
    );
    expect(
      (await app.request("/dreams/20990101T000000Z-000000/cancel", { method: "POST", headers: auth })).status,
    ).toBe(404);

    expect((await app.request(`/dreams/${dreamId}/discard`, { method: "POST", headers: auth })).status).toBe(
      200,
    );
    expect((await app.request(`/dreams/${dreamId}`)).status).toBe(404);
    expect((await app.request(`/dreams/${dreamId}/discard`, { method: "POST", headers: auth })).status).toBe(
      404,
    );
  });

  it("two dreamd instances on one volume never dream at once", async () => {
    const { createLock } = await import("./lock.ts");
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
    expect((await app.request(`/dreams/${dreamId}`)).status).toBe(404);
  });

  it("streams phase events of a real dream over SSE", async () => {
    const { app } = setup(createOfflineEngine());
    const events = await app.request("/events");
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
