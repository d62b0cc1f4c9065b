// Issue 14 in the image: dreamd as 65532 beside an agent of another uid that shares a group with it.
// The agent writes 100 notes (new files, appends to the files the proposal changes, some through a
// descriptor it keeps open) while a dream and then an apply run; every write must be there afterwards,
// every approved operation applied or a reported conflict, and every file must keep its mode and group.
import { chmod, chown, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Wait } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema } from "../src/manifest.ts";
import {
  buildImage,
  callerHostOf,
  dockerUnavailable,
  dreamdContainer,
  dreamEnded,
  LOCAL_BASE,
  ReadOnlyContainer,
  waitFor,
} from "./docker-support.ts";
import { EXAMPLES } from "./fixtures.ts";

const skip = await dockerUnavailable();
const callerHost = skip ? "localhost" : await callerHostOf();
const TOKEN = "apply-container-token";
const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const AGENT_UID = 1000;
const GROUP = 3000;

const run = (where: string) =>
  ["VP Platform", "Head of Data", "CTO", "Director AI", "Chief Data Officer"]
    .map((q, i) => `- ${q} in ${where}: ${i + 1} open roles`)
    .join("\n");

/** Files whose runs were written twice over: the offline engine merges each copy away. */
const TARGETS = ["searches/oman.md", "searches/uae.md", "searches/qatar.md", "searches/ksa.md"];

// The agent: 100 writes, one every 120 ms, as uid 1000 with umask 002 (group-writable, like a shared
// volume's writer). Every fifth goes through a descriptor it keeps open for about a second.
const AGENT = `
import { appendFileSync, closeSync, openSync, writeFileSync, writeSync } from "node:fs";
process.umask(0o002);
const targets = ${JSON.stringify(TARGETS)};
const held = new Map();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let k = 1; k <= 100; k++) {
  const line = "- agent write " + String(k).padStart(3, "0") + " of 100\\n";
  const target = "/memory/" + targets[k % targets.length];
  if (k % 5 === 0) {
    let fd = held.get(target);
    if (fd === undefined) { fd = openSync(target, "a"); held.set(target, fd); setTimeout(() => { closeSync(fd); held.delete(target); }, 1000); }
    writeSync(fd, line);
  } else if (k % 2 === 0) appendFileSync(target, line);
  else writeFileSync("/memory/agent/note-" + String(k).padStart(3, "0") + ".md", "# Agent note\\n\\n" + line);
  await sleep(120);
}
await sleep(1200);
console.log("agent done");
`;

interface Setup {
  root: string;
  memory: string;
  sessions: string;
  proposals: string;
  agentDir: string;
}

async function setup(): Promise<Setup> {
  const root = await mkdtemp(join(tmpdir(), "dreamd-apply-ct-"));
  const s = {
    root,
    memory: join(root, "memory"),
    sessions: join(root, "sessions"),
    proposals: join(root, "proposals"),
    agentDir: join(root, "agent"),
  };
  await cp(join(EXAMPLES, "memory"), s.memory, { recursive: true });
  await cp(join(EXAMPLES, "sessions"), s.sessions, { recursive: true });
  await mkdir(join(s.memory, "searches"));
  await mkdir(join(s.memory, "agent"));
  for (const [i, t] of TARGETS.entries()) {
    const where = t.slice("searches/".length, -3).toUpperCase();
    await writeFile(
      join(s.memory, t),
      `# Searches\n\n## Run 2026-03-1${i} 06:01\n${run(where)}\n${run(where)}\n`,
    );
  }
  // The agent's volume: its files, a group dreamd shares, group-writable, setgid directories.
  const own = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      await chown(p, AGENT_UID, GROUP);
      if (e.isDirectory()) {
        await chmod(p, 0o2775);
        await own(p);
      } else await chmod(p, 0o664);
    }
  };
  await own(s.memory);
  await chown(s.memory, AGENT_UID, GROUP);
  await chmod(s.memory, 0o2775);
  await mkdir(s.proposals);
  await chown(s.proposals, 65532, 65532);
  await mkdir(s.agentDir);
  await writeFile(join(s.agentDir, "agent.mjs"), AGENT);
  return s;
}

const dreamd = (s: Setup, env: Record<string, string> = {}, groups: string[] = [String(GROUP)]) =>
  dreamdContainer(s, { token: TOKEN, callerHost, env, groups });

function agent(s: Setup) {
  return new ReadOnlyContainer(LOCAL_BASE)
    .withUser(`${AGENT_UID}:${GROUP}`)
    .withBindMounts([
      { source: s.memory, target: "/memory", mode: "rw" },
      { source: s.agentDir, target: "/agent", mode: "ro" },
    ])
    .withCommand(["node", "/agent/agent.mjs"])
    .withWaitStrategy(Wait.forOneShotStartup())
    .withStartupTimeout(120_000);
}

async function files(root: string): Promise<{ path: string; text: string; mode: number; gid: number }[]> {
  const out: { path: string; text: string; mode: number; gid: number }[] = [];
  const visit = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await visit(p);
      else {
        const st = await stat(p);
        out.push({
          path: relative(root, p),
          text: await readFile(p, "utf8"),
          mode: st.mode & 0o7777,
          gid: st.gid,
        });
      }
    }
  };
  await visit(root);
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

async function startDream(base: string): Promise<string> {
  const res = await fetch(`${base}/dreams`, { method: "POST", headers: auth });
  expect(res.status).toBe(202);
  const { dreamId } = (await res.json()) as { dreamId: string };
  const status = await dreamEnded(base, dreamId);
  if (status.lastAttempt?.status !== "complete") {
    const full = await (await fetch(`${base}/status`, { headers: auth })).json();
    throw new Error(`dream ${dreamId} did not complete: ${JSON.stringify(full)}`);
  }
  return dreamId;
}

describe.skipIf(skip)("apply in the image, beside an agent of another uid (issue 14)", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    await buildImage();
  }, 600_000);
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => {});
  });

  it("100 agent writes during a dream and an apply: all kept, every operation applied or a conflict, modes and group kept", async () => {
    const s = await setup();
    cleanup.push(() => rm(s.root, { recursive: true, force: true }));
    const c = await dreamd(s).start();
    cleanup.push(() => c.stop());
    const base = `http://${c.getHost()}:${c.getMappedPort(8787)}`;
    // The agent starts writing; the dream, the review and the apply happen while it does.
    const agentDone = agent(s).start();
    await new Promise((r) => setTimeout(r, 1500));
    const dreamId = await startDream(base);
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(join(s.proposals, dreamId, "manifest.json"), "utf8")),
    );
    const ids = manifest.operations.map((o) => o.id);
    expect(manifest.operations.filter((o) => o.changes.some((ch) => TARGETS.includes(ch.path))).length).toBe(
      20,
    );
    const review = await fetch(`${base}/dreams/${dreamId}/review`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ accept: "all", by: "dana" }),
    });
    expect(review.status).toBe(200);
    const res = await fetch(`${base}/dreams/${dreamId}/apply`, { method: "POST", headers: auth, body: "{}" });
    const body = (await res.json()) as { results: { op: string; status: string; reason?: string }[] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    const appliedAt = Date.now();
    const agentContainer = await agentDone;
    const n = (st: string) => body.results.filter((r) => r.status === st).length;
    // For the record: how much of the agent's writing the apply overlapped.
    console.log(
      `apply beside the agent: ${n("applied")} applied, ${n("conflict")} conflicts; the agent wrote on for ${Date.now() - appliedAt} ms after it`,
    );
    cleanup.push(() => agentContainer.stop());

    // Every approved operation is applied or a conflict with a reason.
    expect(body.results.map((r) => r.op).sort()).toEqual([...ids].sort());
    for (const r of body.results) {
      expect(["applied", "conflict"]).toContain(r.status);
      if (r.status === "conflict") expect(r.reason?.length).toBeGreaterThan(10);
    }
    expect(body.results.filter((r) => r.status === "applied").length).toBeGreaterThan(10);

    const after = await files(s.memory);
    // All 100 writes, each exactly once.
    const all = after.map((f) => f.text).join("\n");
    for (let k = 1; k <= 100; k++) {
      const line = `- agent write ${String(k).padStart(3, "0")} of 100`;
      expect(all.split(line).length - 1, line).toBe(1);
    }
    // What was applied is there: a merged run reads once.
    for (const t of TARGETS) {
      const text = after.find((f) => f.path === t)?.text ?? "";
      const merged = body.results.filter(
        (r) =>
          r.status === "applied" &&
          manifest.operations.find((o) => o.id === r.op)?.changes.some((ch) => ch.path === t),
      ).length;
      if (merged === 5) expect(text.split("- CTO in").length - 1, t).toBe(1);
    }
    // Mode and group kept on every file, dreamd's rewrites included; no temp file left behind.
    for (const f of after) {
      expect(f.mode, f.path).toBe(0o664);
      expect(f.gid, f.path).toBe(GROUP);
      expect(f.path).not.toMatch(/\.tmp$/);
    }
  }, 240_000);

  it("without the shared group, apply is refused with one line naming the fix and memory is untouched", async () => {
    const s = await setup();
    cleanup.push(() => rm(s.root, { recursive: true, force: true }));
    const before = await files(s.memory);
    const c = await dreamd(s, {}, []).start();
    cleanup.push(() => c.stop());
    const base = `http://${c.getHost()}:${c.getMappedPort(8787)}`;
    const dreamId = await startDream(base);
    await fetch(`${base}/dreams/${dreamId}/review`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ accept: "all" }),
    });
    const res = await fetch(`${base}/dreams/${dreamId}/apply`, { method: "POST", headers: auth, body: "{}" });
    const body = (await res.json()) as { error: string };
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(body.error).toMatch(/not writable by dreamd \(uid 65532\).*fsGroup.*group-writable/);
    expect(body.error).not.toContain("\n");
    expect(await files(s.memory)).toEqual(before);
  }, 180_000);

  it("DREAMD_AUTONOMY=auto-safe applies only the certain operations, by itself, logged as auto-safe", async () => {
    const s = await setup();
    cleanup.push(() => rm(s.root, { recursive: true, force: true }));
    const c = await dreamd(s, { DREAMD_AUTONOMY: "auto-safe" }).start();
    cleanup.push(() => c.stop());
    const base = `http://${c.getHost()}:${c.getMappedPort(8787)}`;
    const status = (await (await fetch(`${base}/status`)).json()) as { autonomy?: string };
    expect(JSON.stringify(status)).toContain("auto-safe");
    const dreamId = await startDream(base);
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(join(s.proposals, dreamId, "manifest.json"), "utf8")),
    );
    const certain = manifest.operations.filter((o) => o.confidence === "certain").map((o) => o.id);
    const other = manifest.operations.filter((o) => o.confidence !== "certain").map((o) => o.id);
    expect(certain.length).toBeGreaterThan(0);
    expect(other.length).toBeGreaterThan(0);
    const applies = await waitFor("the automatic apply", async () => {
      const r = (await (await fetch(`${base}/applies`, { headers: auth })).json()) as {
        applies: { dreamId: string; by: string; results: { op: string; status: string }[] }[];
      };
      return r.applies.length ? r.applies : null;
    });
    expect(applies).toHaveLength(1);
    const [a] = applies;
    expect(a?.by).toBe("auto-safe");
    expect(a?.dreamId).toBe(dreamId);
    const applied = a?.results.filter((r) => r.status === "applied").map((r) => r.op) ?? [];
    expect(applied.sort()).toEqual([...certain].sort());
    // The likely ones wait for a person.
    const review = (await (await fetch(`${base}/dreams/${dreamId}/review`, { headers: auth })).json()) as {
      operations: { id: string; state: string; by?: string }[];
    };
    for (const o of review.operations)
      expect(o.state, o.id).toBe(certain.includes(o.id) ? "accepted" : "pending");
    for (const o of manifest.operations.filter((x) => other.includes(x.id)))
      for (const ch of o.changes) {
        const text = await readFile(join(s.memory, ch.path), "utf8");
        // A likely rewrite's new line is not in memory (its old one is).
        for (const l of ch.after.filter((x) => !ch.before.includes(x) && x.trim()))
          expect(text.includes(l), `${o.id} ${l}`).toBe(false);
      }
  }, 180_000);
});
