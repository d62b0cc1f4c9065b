import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../manifest.ts";
import { createProposals } from "./proposals.ts";

let root: string;

/** A manifest that passes the schema, with `ops` operations (about 600 bytes each). */
function fakeManifest(dreamId: string, ops = 1): Manifest {
  const operation = (i: number) => ({
    id: `op-${i}`,
    kind: "merge" as const,
    targets: ["notes/a.md", "notes/b.md"],
    reason: `two copies of the same entry, number ${i}; kept notes/a.md, removed notes/b.md`,
    evidence: [
      {
        source: "memory" as const,
        path: "notes/a.md",
        line: i + 1,
        quote: `- the deploy region is eu-west-${i}`,
      },
    ],
    changes: [
      {
        path: "notes/b.md",
        startLine: i + 1,
        endLine: i + 1,
        before: [`- the deploy region is eu-west-${i}, as written down on a later day in the daily note`],
        after: [],
      },
    ],
  });
  return {
    schemaVersion: 1,
    dreamId,
    createdAt: "2026-03-20T18:00:00.000Z",
    engine: { name: "offline", version: "0.3.0" },
    base: {
      memoryDir: "/memory",
      snapshot: { path: `/proposals/snapshots/${dreamId}.tar.gz`, sha256: "0".repeat(64), bytes: 10 },
      files: [{ path: "notes/a.md", sha256: "1".repeat(64), bytes: 100 }],
    },
    sessions: [],
    problems: [{ source: "session", path: "s.jsonl", error: "line 5: invalid JSON" }],
    operations: Array.from({ length: ops }, (_, i) => operation(i)),
    refused: [],
    notes: [],
    output: { files: [{ path: "notes/a.md", sha256: "2".repeat(64), bytes: 90 }], changed: ["notes/b.md"] },
    stats: { files: 1, entries: 2, sessions: 0, deferredSessions: 0, durationMs: 1 },
  };
}

async function writeProposal(dir: string, id: string, manifest: string): Promise<void> {
  await mkdir(join(dir, id, "store"), { recursive: true });
  await writeFile(join(dir, id, "manifest.json"), manifest);
  await writeFile(join(dir, id, "diff.patch"), "diff --git a/x b/x\n");
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "dreamd-proposals-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("proposals", () => {
  it("lists a proposal with a truncated or invalid manifest as broken, with a reason naming no path", async () => {
    const dir = join(root, "broken");
    const good = "20260320T180000Z-aaaaaa";
    const truncated = "20260321T180000Z-bbbbbb";
    const invalid = "20260322T180000Z-cccccc";
    const missing = "20260323T180000Z-dddddd";
    const full = JSON.stringify(fakeManifest(good));
    await writeProposal(dir, good, full);
    await writeProposal(dir, truncated, full.slice(0, full.length / 2));
    await writeProposal(dir, invalid, JSON.stringify({ schemaVersion: 1 }));
    await mkdir(join(dir, missing));
    await mkdir(join(dir, "snapshots"));
    await writeFile(join(dir, "20260324T180000Z-eeeeee"), "a file, not a proposal");
    const p = createProposals(dir);
    const list = await p.list();
    expect(list.map((s) => [s.id, s.status])).toEqual([
      [missing, "broken"],
      [invalid, "broken"],
      [truncated, "broken"],
      [good, "pending"],
    ]);
    expect(list[0]).toEqual({ id: missing, status: "broken", reason: "manifest.json is missing" });
    expect(list[2]).toEqual({
      id: truncated,
      status: "broken",
      reason: "manifest.json is not valid JSON (truncated or corrupt)",
    });
    expect(list[1]).toMatchObject({ reason: expect.stringMatching(/does not match the manifest schema/) });
    expect(JSON.stringify(list)).not.toContain(root);
    expect(await p.manifest(truncated)).toBeNull();
    expect(await p.diff(truncated)).toBeNull();
    expect((await p.manifest(good))?.dreamId).toBe(good);

    // Broken proposals can be discarded; a name that is not a proposal directory cannot.
    expect(await p.discard(truncated)).toBe(true);
    expect(await p.discard(missing)).toBe(true);
    expect(await p.discard("20260324T180000Z-eeeeee")).toBe(false);
    expect(await p.discard("snapshots")).toBe(false);
    expect((await p.list()).map((s) => s.id)).toEqual([invalid, good]);
    expect((await readdir(dir)).filter((n) => n.startsWith(".trash-"))).toEqual([]);
  });

  it("discards one id exactly once under concurrency; a symlink is no proposal", async () => {
    const dir = join(root, "race");
    const id = "20260320T180000Z-abcdef";
    await writeProposal(dir, id, JSON.stringify(fakeManifest(id)));
    const p = createProposals(dir);
    const results = await Promise.all(Array.from({ length: 10 }, () => p.discard(id)));
    expect(results.filter(Boolean)).toHaveLength(1);
    await mkdir(join(root, "elsewhere"));
    await symlink(join(root, "elsewhere"), join(dir, "20260321T180000Z-abcdef"));
    expect(await p.discard("20260321T180000Z-abcdef")).toBe(false);
    expect(await p.summary("20260321T180000Z-abcdef")).toBeNull();
  });

  it("answers null, not an error, for names the OS will not resolve", async () => {
    const dir = join(root, "names");
    const id = "20260320T180000Z-abcdef";
    await writeProposal(dir, id, JSON.stringify(fakeManifest(id)));
    const p = createProposals(dir);
    expect(await p.file(id, `${"x".repeat(300)}.md`)).toBeNull();
    expect(await p.file(id, `${"a/".repeat(3000)}b.md`)).toBeNull();
    expect(await p.file(id, "notes")).toBeNull();
  });

  it("summarises a manifest once per (mtime, size) and keeps only the summary", async () => {
    const dir = join(root, "large");
    const big = "20260320T180000Z-0b0b0b";
    const small = "20260319T180000Z-5a5a5a";
    const text = JSON.stringify(fakeManifest(big, 60_000));
    expect(text.length).toBeGreaterThan(20 << 20);
    await writeProposal(dir, big, text);
    await writeProposal(dir, small, JSON.stringify(fakeManifest(small)));
    const p = createProposals(dir);
    const t0 = performance.now();
    const first = await p.list();
    const t1 = performance.now();
    const second = await p.list();
    const t2 = performance.now();
    const [firstMs, secondMs] = [t1 - t0, t2 - t1];
    console.log(
      `GET /dreams over a ${(text.length / 2 ** 20).toFixed(1)} MiB manifest: first ${firstMs.toFixed(0)} ms, second ${secondMs.toFixed(1)} ms`,
    );
    expect(second).toEqual(first);
    expect(first[0]).toEqual({
      id: big,
      status: "pending",
      createdAt: "2026-03-20T18:00:00.000Z",
      engine: "offline",
      operations: 60_000,
      refused: 0,
      changed: 1,
      problems: 1,
    });
    expect(secondMs).toBeLessThan(Math.max(50, firstMs / 10));
    // The cache holds one small summary per proposal, never a manifest.
    const cached = [...p.cached().entries()];
    expect(cached.map(([id]) => id).sort()).toEqual([small, big]);
    for (const [, entry] of cached) {
      expect(Object.keys(entry).sort()).toEqual(["mtimeMs", "size", "summary"]);
      expect(JSON.stringify(entry).length).toBeLessThan(400);
    }
    // A changed manifest is summarised again.
    await writeFile(join(dir, small, "manifest.json"), "{");
    expect((await p.summary(small))?.status).toBe("broken");
    // A discarded one leaves the cache.
    expect(await p.discard(small)).toBe(true);
    expect(p.cached().has(small)).toBe(false);
  });

  it("does not read a manifest over the size limit", async () => {
    const dir = join(root, "limit");
    const id = "20260320T180000Z-111111";
    await writeProposal(dir, id, JSON.stringify(fakeManifest(id, 10)));
    const p = createProposals(dir, { maxManifestBytes: 1024 });
    expect(await p.summary(id)).toEqual({
      id,
      status: "broken",
      reason: expect.stringMatching(/^manifest\.json is \d+ KiB, more than the 1 KiB this API reads$/),
    });
    expect(await p.manifest(id)).toBeNull();
  });
});
