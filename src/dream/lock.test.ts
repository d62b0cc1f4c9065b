import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLock } from "./lock.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dreamd-lock-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("lock", () => {
  it("admits one holder; the second sees who holds it until release", async () => {
    const d = join(dir, "a");
    const a = createLock({ dir: d, holder: "A", staleMs: 60_000, heartbeatMs: 10_000 });
    const b = createLock({ dir: d, holder: "B", staleMs: 60_000, heartbeatMs: 10_000 });
    expect(await a.tryAcquire("d1")).toBeNull();
    expect(await b.tryAcquire("d2")).toMatchObject({ holder: "A", dreamId: "d1" });
    await a.release();
    expect(await b.tryAcquire("d2")).toBeNull();
    expect(await a.tryAcquire("d3")).toMatchObject({ holder: "B" });
    await b.release();
  });

  it("takes over a lock whose holder stopped beating (a killed container)", async () => {
    const d = join(dir, "b");
    let t = Date.parse("2026-03-20T00:00:00Z");
    const dead = createLock({ dir: d, holder: "dead", staleMs: 30_000, heartbeatMs: 1e9, now: () => t });
    expect(await dead.tryAcquire("d1")).toBeNull();
    const next = createLock({ dir: d, holder: "next", staleMs: 30_000, heartbeatMs: 1e9, now: () => t });
    t += 29_000;
    expect(await next.tryAcquire("d2")).toMatchObject({ holder: "dead" });
    t += 2_000;
    expect(await next.tryAcquire("d2")).toBeNull();
    expect(await next.current()).toMatchObject({ holder: "next", dreamId: "d2" });
    await next.release();
    // The dead holder's release must not remove someone else's lock.
    const third = createLock({ dir: d, holder: "third", staleMs: 30_000, heartbeatMs: 1e9, now: () => t });
    expect(await third.tryAcquire("d3")).toBeNull();
    await dead.release();
    expect(await third.current()).toMatchObject({ holder: "third" });
    await third.release();
  });

  it("a holder that lost its lock is told so at its next heartbeat", async () => {
    const d = join(dir, "c");
    let t = 0;
    let lost = "";
    const a = createLock({
      dir: d,
      holder: "A",
      staleMs: 10,
      heartbeatMs: 20,
      now: () => t,
      onLost: (by) => (lost = by?.holder ?? "?"),
    });
    expect(await a.tryAcquire("d1")).toBeNull();
    t = 1_000;
    const b = createLock({ dir: d, holder: "B", staleMs: 10, heartbeatMs: 1e9, now: () => t });
    expect(await b.tryAcquire("d2")).toBeNull();
    await new Promise((r) => setTimeout(r, 80));
    expect(lost).toBe("B");
    await b.release();
  });

  it("many contenders at once: exactly one wins", async () => {
    const d = join(dir, "d");
    const locks = Array.from({ length: 20 }, (_, i) =>
      createLock({ dir: d, holder: `h${i}`, staleMs: 60_000, heartbeatMs: 1e9 }),
    );
    const results = await Promise.all(locks.map((l) => l.tryAcquire("x")));
    expect(results.filter((r) => r === null)).toHaveLength(1);
    await Promise.all(locks.map((l) => l.release()));
  });
});
