import { execFileSync } from "node:child_process";
import { chmod, chown, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema } from "../src/manifest.ts";
import {
  buildImage,
  callerHostOf,
  docker,
  dockerUnavailable,
  dreamdContainer,
  dreamEnded,
  type Status,
  waitFor,
} from "./docker-support.ts";
import { EXAMPLES, hashTree } from "./fixtures.ts";

const skip = await dockerUnavailable();
const TOKEN = "container-test-token";
const auth = { authorization: `Bearer ${TOKEN}` };

interface Mounts {
  root: string;
  memory: string;
  sessions: string;
  proposals: string;
}

async function mounts(memoryFiles?: Record<string, string>): Promise<Mounts> {
  const root = await mkdtemp(join(tmpdir(), "dreamd-ct-"));
  const m = {
    root,
    memory: join(root, "memory"),
    sessions: join(root, "sessions"),
    proposals: join(root, "proposals"),
  };
  await cp(join(EXAMPLES, "memory"), m.memory, { recursive: true });
  await cp(join(EXAMPLES, "sessions"), m.sessions, { recursive: true });
  for (const [path, text] of Object.entries(memoryFiles ?? {})) {
    await mkdir(join(m.memory, path, ".."), { recursive: true });
    await writeFile(join(m.memory, path), text);
  }
  await mkdir(m.proposals);
  // The image runs as 65532; the proposals volume must be its to write.
  await chown(m.proposals, 65532, 65532);
  return m;
}

/**
 * The name this test calls the container by (localhost, or the bridge gateway when the test itself runs
 * in a container): the API answers only Host names it knows.
 */
const callerHost = skip ? "localhost" : await callerHostOf();

const container = (m: Mounts, env: Record<string, string> = {}) =>
  dreamdContainer(m, { token: TOKEN, callerHost, env });

describe.skipIf(skip)("the dreamd image", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    await buildImage();
  }, 600_000);
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => {});
  });

  it("runs as 65532 on a read-only root, dreams over HTTP, writes only the proposals volume", async () => {
    const m = await mounts();
    cleanup.push(() => rm(m.root, { recursive: true, force: true }));
    const before = await hashTree(m.memory);
    const c = await container(m).start();
    cleanup.push(() => c.stop());
    const base = `http://${c.getHost()}:${c.getMappedPort(8787)}`;
    expect((await c.exec(["node", "-e", "process.stdout.write(String(process.getuid()))"])).output).toBe(
      "65532",
    );
    expect((await c.exec(["node", "-e", "require('fs').writeFileSync('/app/x', '')"])).exitCode).not.toBe(0);

    expect((await fetch(`${base}/dreams`, { method: "POST" })).status).toBe(401);
    const res = await fetch(`${base}/dreams`, { method: "POST", headers: auth });
    expect(res.status).toBe(202);
    const { dreamId } = (await res.json()) as { dreamId: string };
    const status = await dreamEnded(base, dreamId);
    expect(status.lastAttempt?.status).toBe("complete");
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(join(m.proposals, dreamId, "manifest.json"), "utf8")),
    );
    expect(manifest.operations.length).toBeGreaterThan(5);
    expect(manifest.sessions).toHaveLength(6);
    expect(await hashTree(m.memory)).toEqual(before);
    expect((await c.exec(["node", "/app/dist/main.js", "healthcheck"])).exitCode).toBe(0);
  });

  it("reports and skips a 0600 note, a 0700 directory and a FIFO of another uid, in memory and sessions", async () => {
    const m = await mounts();
    cleanup.push(() => rm(m.root, { recursive: true, force: true }));
    // Owned by this test's uid (root here, or the CI user), not by the container's 65532.
    const line = `${JSON.stringify({ type: "user", message: { content: "private" } })}\n`;
    await writeFile(join(m.memory, "secret.md"), "- only its writer may read this\n", { mode: 0o600 });
    await mkdir(join(m.memory, "private"), { mode: 0o700 });
    await writeFile(join(m.memory, "private", "p.md"), "- private\n");
    await writeFile(join(m.sessions, "secret.jsonl"), line, { mode: 0o600 });
    await mkdir(join(m.sessions, "private"), { mode: 0o700 });
    await writeFile(join(m.sessions, "private", "s.jsonl"), line);
    execFileSync("mkfifo", [join(m.memory, "pipe.md"), join(m.sessions, "pipe.jsonl")]);
    for (const p of ["memory", "sessions"]) await chmod(join(m.root, p), 0o755);
    const c = await container(m).start();
    cleanup.push(() => c.stop());
    const base = `http://${c.getHost()}:${c.getMappedPort(8787)}`;
    const res = await fetch(`${base}/dreams`, { method: "POST", headers: auth });
    expect(res.status).toBe(202);
    const { dreamId } = (await res.json()) as { dreamId: string };
    const status = await dreamEnded(base, dreamId);
    expect(status.lastAttempt).toMatchObject({ status: "complete" });
    expect(status.consecutiveFailures).toBe(0);
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(join(m.proposals, dreamId, "manifest.json"), "utf8")),
    );
    const problems = manifest.problems.filter((p) => /secret|private|pipe/.test(p.path));
    expect(problems.map((p) => `${p.source} ${p.path}: ${p.error}`)).toEqual([
      "memory pipe.md: fifo: not a regular file, never opened, not copied",
      "memory private: unreadable directory (EACCES): nothing in it read, not copied",
      "memory secret.md: unreadable (EACCES), not copied",
      "session pipe.jsonl: fifo: not a regular file, never opened",
      "session private: unreadable directory (EACCES): nothing in it read",
      "session secret.jsonl: unreadable (EACCES)",
    ]);
    expect(manifest.output.skipped?.map((s) => s.path)).toEqual(["pipe.md", "private", "secret.md"]);
    expect(manifest.sessions).toHaveLength(6);
    expect(await readFile(join(m.proposals, dreamId, "report.md"), "utf8")).toContain(
      "- secret.md: unreadable",
    );
  });

  it("recovers from SIGKILL mid-dream: lock taken over, half proposal removed, next dream succeeds", async () => {
    // Enough memory that the snapshot takes a while, so the kill lands inside the dream.
    const big: Record<string, string> = {};
    const para = `- ${"the invoice worker restarts at night and the deploy region is eu-west-1 ".repeat(40)}\n`;
    for (let i = 0; i < 400; i++) big[`bulk/n${i}.md`] = `# note ${i}\n${para.repeat(40)}- unique ${i}\n`;
    const m = await mounts(big);
    cleanup.push(() => rm(m.root, { recursive: true, force: true }));
    const before = await hashTree(m.memory);
    const c = await container(m, { DREAMD_LOCK_STALE_SECONDS: "2" }).start();
    cleanup.push(() => c.stop());
    const id = c.getId();
    let base = `http://${c.getHost()}:${c.getMappedPort(8787)}`;
    const { dreamId } = (await (await fetch(`${base}/dreams`, { method: "POST", headers: auth })).json()) as {
      dreamId: string;
    };
    await waitFor("the dream to be running", async () => {
      const s = (await (await fetch(`${base}/status`)).json()) as Status;
      return s.current?.dreamId === dreamId ? s : null;
    });
    await docker().getContainer(id).kill({ signal: "SIGKILL" });
    const leftovers = await readdir(m.proposals);
    expect(leftovers).not.toContain(dreamId);
    await docker().getContainer(id).start();
    const info = await docker().getContainer(id).inspect();
    const port = info.NetworkSettings.Ports["8787/tcp"]?.[0]?.HostPort;
    base = `http://${c.getHost()}:${port}`;
    await waitFor("readiness after restart", async () => (await fetch(`${base}/readyz`)).ok || null);
    // The dead holder's lock goes stale after 2 s; until then a start is refused with 409.
    const next = await waitFor("a new dream to start", async () => {
      const r = await fetch(`${base}/dreams`, { method: "POST", headers: auth });
      return r.status === 202 ? ((await r.json()) as { dreamId: string }) : null;
    });
    const status = await dreamEnded(base, next.dreamId, "the new dream");
    expect(status).toMatchObject({ lastSuccess: { dreamId: next.dreamId }, consecutiveFailures: 0 });
    const names = await readdir(m.proposals);
    expect(names.filter((n) => n.startsWith(".partial-"))).toEqual([]);
    expect(names).toContain(next.dreamId);
    expect(names).not.toContain(dreamId);
    expect(await hashTree(m.memory)).toEqual(before);
  });
});
