import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkEvidence } from "../src/checks/evidence.ts";
import type { DreamOptions } from "../src/dream/options.ts";
import { runDream } from "../src/dream/run.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { manifestSchema } from "../src/manifest.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { dreamOptions, EXAMPLES, hashTree, writeTree } from "./fixtures.ts";

let work: string;
const deps = { engine: createOfflineEngine(), registry: createFormatRegistry() };

const options = (memoryDir: string, out: string, extra: Partial<DreamOptions> = {}) =>
  dreamOptions(out, { memoryDir, ...extra });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-dream-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("a dream on examples/", () => {
  it("leaves a valid proposal: schema, evidence at its place, diff.patch turns the input into store/", async () => {
    const memory = join(EXAMPLES, "memory");
    const before = await hashTree(memory);
    const { dir } = await runDream(options(memory, join(work, "a")), deps);
    expect(await hashTree(memory)).toEqual(before);

    const manifest = manifestSchema.parse(JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")));
    expect(manifest.operations.length).toBeGreaterThan(5);
    expect(new Set(manifest.operations.map((o) => o.kind))).toEqual(
      new Set(["merge", "supersede", "normalize"]),
    );
    expect(manifest.sessions).toHaveLength(6);
    expect(manifest.base.files.map((f) => [f.path, f.sha256])).toEqual(Object.entries(before).sort());

    // Every quote is re-checked here against the files on disk, independently of the engine's own checks.
    const notes = new Map<string, string[]>();
    for (const f of manifest.base.files)
      notes.set(f.path, (await readFile(join(memory, f.path), "utf8")).split("\n"));
    for (const op of manifest.operations) {
      for (const ev of op.evidence) expect(checkEvidence(ev, { notes, sessions: new Map() })).toBeNull();
    }

    const copy = join(work, "apply");
    await cp(memory, copy, { recursive: true });
    execFileSync("git", ["apply", "-p1", join(dir, "diff.patch")], { cwd: copy });
    expect(await hashTree(copy)).toEqual(await hashTree(join(dir, "store")));
    expect(manifest.output.changed.length).toBeGreaterThan(0);
  });

  it("is deterministic: the same input gives byte-identical store/ and operations", async () => {
    const memory = join(EXAMPLES, "memory");
    const a = await runDream(options(memory, join(work, "det1")), deps);
    const b = await runDream(options(memory, join(work, "det2")), deps);
    expect(await hashTree(join(a.dir, "store"))).toEqual(await hashTree(join(b.dir, "store")));
    expect(JSON.stringify(a.manifest.operations)).toBe(JSON.stringify(b.manifest.operations));
    expect(await readFile(join(a.dir, "diff.patch"), "utf8")).toBe(
      await readFile(join(b.dir, "diff.patch"), "utf8"),
    );
  });

  it("is idempotent: a dream over the proposed store proposes nothing", async () => {
    const first = await runDream(options(join(EXAMPLES, "memory"), join(work, "idem1")), deps);
    const second = await runDream(options(join(first.dir, "store"), join(work, "idem2")), deps);
    expect(first.manifest.operations.length).toBeGreaterThan(5);
    expect(second.manifest.operations).toEqual([]);
  });

  it("a second dream on the same volume reads the pending proposal's transcripts again and supersedes it", async () => {
    const memory = join(EXAMPLES, "memory");
    const out = join(work, "ledger");
    const first = await runDream(options(memory, out), deps);
    const second = await runDream(options(memory, out), deps);
    expect(first.manifest.stats.sessions).toBe(6);
    expect(second.manifest.stats.sessions).toBe(6);
    expect(second.manifest.notes).toContain(
      `supersedes ${first.dreamId}: every session it held was read again`,
    );
  });

  it("an undated note is retired by a session only once a snapshot older than the session held it (issue 16)", async () => {
    const memory = join(work, "ordered", "memory");
    const sessions = join(work, "ordered", "sessions");
    const out = join(work, "ordered", "out");
    await writeTree(memory, { "todo.md": "# TODO\n\n- [ ] Rotate the billing signing keys\n" });
    await writeTree(sessions, {});
    // The first dream snapshots the note on 2026-03-05; no session yet.
    const first = await runDream(
      options(memory, out, { sessionsDir: sessions, now: new Date("2026-03-05T00:00:00Z") }),
      deps,
    );
    expect(first.manifest.operations).toEqual([]);
    const said = (at: string) =>
      `${JSON.stringify({ type: "user", timestamp: at, message: { role: "user", content: "The billing signing keys are rotated, that TODO is done." } })}\n`;
    await writeTree(sessions, { "late.jsonl": said("2026-03-10T09:00:00Z") });
    const second = await runDream(
      options(memory, out, { sessionsDir: sessions, now: new Date("2026-03-20T00:00:00Z") }),
      deps,
    );
    expect(second.manifest.operations.map((o) => `${o.kind} ${o.evidence[0]?.source}`)).toEqual([
      "prune session",
    ]);
    // The same, on a fresh volume with no snapshot from before the session: the note stays.
    const fresh = await runDream(
      options(memory, join(work, "ordered", "fresh"), {
        sessionsDir: sessions,
        now: new Date("2026-03-20T00:00:00Z"),
      }),
      deps,
    );
    expect(fresh.manifest.operations).toEqual([]);
  });

  it("takes only the oldest maxSessions unread transcripts and defers the rest", async () => {
    const r = await runDream(options(join(EXAMPLES, "memory"), join(work, "max"), { maxSessions: 2 }), deps);
    expect(r.manifest.stats.sessions).toBe(2);
    expect(r.manifest.stats.deferredSessions).toBe(4);
  });
});

describe("200 malformed inputs", () => {
  it("completes, lists every bad file with its error, and crashes on none", async () => {
    const memory = join(work, "bad-memory");
    const sessions = join(work, "bad-sessions");
    // A paragraph pasted twice in a row: the one merge the good file gets, whatever else is broken.
    const mem: Record<string, string | Uint8Array> = { "good.md": "A fact to keep.\n\nA fact to keep.\n" };
    const ses: Record<string, string | Uint8Array> = {
      "ok.jsonl": `${JSON.stringify({ type: "user", message: { content: "fine" } })}\n`,
    };
    const hugeLine = `- ${"x".repeat(3 << 20)}\n`;
    const kinds: [string, (i: number) => string | Uint8Array][] = [
      ["truncated.json", (i) => `[{"role":"user","content":"cut ${i}`],
      ["wrongtype.json", (i) => JSON.stringify({ messages: [{ role: i, content: { nope: true } }] })],
      ["notarray.json", (i) => JSON.stringify({ messages: i })],
      ["truncated.jsonl", (i) => `{"type":"user","message":{"content":"cut ${i}`],
      ["wrongtype.jsonl", (i) => `${JSON.stringify({ type: "user", message: { content: i } })}\n`],
      ["binary.jsonl", (i) => new Uint8Array([0, 1, 2, 255, 254, i % 256])],
      ["empty.md", () => ""],
      ["invalid-utf8.txt", (i) => new Uint8Array([0xc3, 0x28, 0xa0, 0xa1, i % 256])],
      ["huge.jsonl", () => `{"type":"user","message":{"content":"${"y".repeat(3 << 20)}`],
      ["nulls.json", () => "\0\0\0\0"],
    ];
    for (let i = 0; i < 100; i++) {
      const kind = kinds[i % kinds.length];
      if (!kind) throw new Error("unreachable");
      const [name, make] = kind;
      ses[`s${String(i).padStart(3, "0")}-${name}`] = make(i);
    }
    for (let i = 0; i < 100; i++) {
      const n = String(i).padStart(3, "0");
      const variants: [string, string | Uint8Array][] = [
        [`m${n}-binary.md`, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, i % 256])],
        [`m${n}-invalid-utf8.md`, new Uint8Array([0xff, 0xfe, 0x41, (i % 256) | 0x80])],
        [`m${n}-huge.md`, hugeLine],
        [`m${n}-nul.txt`, `text\0with nul ${i}`],
      ];
      const variant = variants[i % variants.length];
      if (!variant) throw new Error("unreachable");
      const [name, data] = variant;
      mem[name] = data;
    }
    await writeTree(memory, mem);
    await writeTree(sessions, ses);

    const r = await runDream(
      {
        ...options(memory, join(work, "bad-out")),
        sessionsDir: sessions,
        maxFileBytes: 1 << 20,
        maxTranscriptBytes: 2 << 20,
        maxSessions: 1000,
      },
      deps,
    );
    const bad = [
      ...Object.keys(mem).filter((p) => p !== "good.md"),
      ...Object.keys(ses).filter((p) => p !== "ok.jsonl"),
    ];
    expect(bad).toHaveLength(200);
    const reported = new Map(r.manifest.problems.map((p) => [p.path, p.error]));
    for (const path of bad) expect(reported.get(path), path).toMatch(/./);
    expect(reported.get("m002-huge.md")).toMatch(/too large/);
    expect(reported.get("s006-empty.md")).toMatch(/empty/);
    expect(reported.get("s000-truncated.json")).toMatch(/invalid JSON/);
    expect(reported.get("s005-binary.jsonl")).toMatch(/binary/);
    // Unusable memory files are still carried into the proposal unchanged, so applying it loses nothing.
    expect(Object.keys(await hashTree(join(r.dir, "store"))).sort()).toEqual(Object.keys(mem).sort());
    expect(r.manifest.operations.map((o) => o.kind)).toEqual(["merge"]);
    expect(r.manifest.stats.sessions).toBe(1);
  });
});

describe("recovery after a killed dream", () => {
  it("removes the half-written proposal, counts the failure, and the next dream succeeds", async () => {
    const { mkdir, writeFile, readdir } = await import("node:fs/promises");
    const { readState, writeState, emptyState } = await import("../src/state/state.ts");
    const out = join(work, "killed");
    await mkdir(join(out, ".partial-20260320T170000Z-dead00", "store"), { recursive: true });
    await writeFile(join(out, ".partial-20260320T170000Z-dead00", "store", "MEMORY.md"), "half");
    await writeState(out, {
      ...emptyState(),
      lastAttempt: { dreamId: "20260320T170000Z-dead00", at: "2026-03-20T17:00:00.000Z", status: "running" },
    });
    const r = await runDream(options(join(EXAMPLES, "memory"), out), deps);
    expect((await readdir(out)).filter((n) => n.startsWith("."))).toEqual([".dreamd"]);
    const state = await readState(out);
    expect(state.lastSuccess?.dreamId).toBe(r.dreamId);
    expect(state.consecutiveFailures).toBe(0);
    expect(state.lastAttempt).toMatchObject({ dreamId: r.dreamId, status: "complete" });
  });
});

describe("a memory dir reached through a symlink (Kubernetes mounts)", () => {
  it("follows the root link and dreams normally", async () => {
    const { symlink } = await import("node:fs/promises");
    const link = join(work, "memory-link");
    await symlink(join(EXAMPLES, "memory"), link);
    const r = await runDream(options(link, join(work, "via-link")), deps);
    expect(r.manifest.base.files).toHaveLength(14);
    expect(r.manifest.operations.length).toBeGreaterThan(5);
  });
});
