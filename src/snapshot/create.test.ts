import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import tarStream from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashTree, writeTree } from "../../test/fixtures.ts";
import { sha256 } from "../fs/atomic.ts";
import { createSnapshot, manifestPathOf, sha256File } from "./create.ts";
import { restoreSnapshot, verifySnapshot } from "./restore.ts";

let root: string;
let memory: string;
let snaps: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "dreamd-snap-"));
  memory = join(root, "memory");
  snaps = join(root, "snaps");
  await mkdir(join(memory, "topics"), { recursive: true });
  await writeFile(join(memory, "MEMORY.md"), "# Memory\n- [Deploy](topics/deploy.md)\n");
  await writeFile(join(memory, "topics", "deploy.md"), "- deploys go to eu-west-1\n");
  await writeFile(join(memory, "empty.md"), "");
  await symlink("/etc/passwd", join(memory, "escape.md"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function crafted(
  entries: { name: string; type: string; body?: string; linkname?: string }[],
): Promise<string> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on("end", () => r()));
  for (const e of entries) {
    pack.entry({ name: e.name, type: e.type as "file", linkname: e.linkname }, e.body ?? "");
  }
  pack.finalize();
  await done;
  const path = join(root, `crafted-${Math.random().toString(16).slice(2)}.tar.gz`);
  await writeFile(path, gzipSync(Buffer.concat(chunks)));
  return path;
}

describe("snapshot", () => {
  it("packs regular files with a sha256 each, skips symlinks, and verifies", async () => {
    const snap = await createSnapshot({
      memoryDir: memory,
      snapshotsDir: snaps,
      name: "t1",
      now: new Date(0),
    });
    expect(snap.files.map((f) => f.path)).toEqual(["MEMORY.md", "empty.md", "topics/deploy.md"]);
    expect(snap.files[2]).toEqual({
      path: "topics/deploy.md",
      sha256: sha256("- deploys go to eu-west-1\n"),
      bytes: 26,
    });
    const v = await verifySnapshot(snap.path);
    expect(v).toEqual({ ok: true, files: 3, errors: [] });
    // GNU tar reads what we wrote.
    const listing = execFileSync("tar", ["-tzf", snap.path], { encoding: "utf8" });
    expect(listing).toContain("topics/deploy.md");
    expect(listing).not.toContain("escape.md");
  });

  it("fails verification on a tampered archive and names the file", async () => {
    const snap = await createSnapshot({
      memoryDir: memory,
      snapshotsDir: snaps,
      name: "t2",
      now: new Date(0),
    });
    const manifest = JSON.parse(await readFile(manifestPathOf(snap.path), "utf8"));
    // Rebuild the archive with one file changed, and make the archive hash match so only the file check can catch it.
    const evil = await crafted([
      { name: "MEMORY.md", type: "file", body: "# Memory\n- [Deploy](topics/deploy.md)\n" },
      { name: "empty.md", type: "file", body: "" },
      { name: "topics/deploy.md", type: "file", body: "- deploys go to us-east-1\n" },
    ]);
    manifest.sha256 = (await sha256File(evil)).sha256;
    await writeFile(manifestPathOf(evil), JSON.stringify(manifest));
    const v = await verifySnapshot(evil);
    expect(v.ok).toBe(false);
    expect(v.errors).toEqual(["topics/deploy.md: sha256 mismatch (content changed)"]);
  });

  it("writes a multi-member gzip for large trees that GNU tar, verify and restore all read", async () => {
    const big = join(root, "big");
    const lines = Array.from({ length: 40_000 }, (_, i) => `- fact ${i}: ${(i * 7919).toString(36)}\n`).join(
      "",
    );
    for (let i = 0; i < 6; i++) await writeTree(big, { [`n${i}.md`]: `${i}${lines}` });
    const snap = await createSnapshot({ memoryDir: big, snapshotsDir: snaps, name: "big", now: new Date(0) });
    expect(await verifySnapshot(snap.path)).toMatchObject({ ok: true, files: 6 });
    const out = await mkdtemp(join(root, "gnu-"));
    execFileSync("tar", ["-xzf", snap.path, "-C", out]);
    expect(await hashTree(out)).toEqual(await hashTree(big));
    expect(await hashTree(await restoreSnapshot(snap.path, { parent: root }))).toEqual(await hashTree(big));
  });

  it("restores into a fresh temporary directory", async () => {
    const snap = await createSnapshot({
      memoryDir: memory,
      snapshotsDir: snaps,
      name: "t3",
      now: new Date(0),
    });
    const dir = await restoreSnapshot(snap.path, { parent: root });
    expect(await readFile(join(dir, "topics", "deploy.md"), "utf8")).toBe("- deploys go to eu-west-1\n");
  });

  it.each([
    ["../ entries", [{ name: "../../outside.md", type: "file", body: "x" }]],
    ["absolute paths", [{ name: "/tmp/dreamd-abs-outside.md", type: "file", body: "x" }]],
    [
      "symlinks",
      [
        { name: "link", type: "symlink", linkname: "/etc" },
        { name: "link/passwd", type: "file", body: "x" },
      ],
    ],
    ["hardlinks", [{ name: "hard", type: "link", linkname: "/etc/passwd" }]],
    [
      "files after a refused entry",
      [
        { name: "ok.md", type: "file", body: "ok" },
        { name: "../x", type: "file" },
      ],
    ],
  ])("refuses %s and writes nothing outside", async (_label, entries) => {
    const parent = await mkdtemp(join(root, "restore-"));
    const before = await readdir(root);
    const archive = await crafted(entries);
    await expect(restoreSnapshot(archive, { parent })).rejects.toThrow(/restore refused/);
    expect(await readdir(parent)).toEqual([]);
    expect((await readdir(root)).filter((n) => !before.includes(n))).toEqual([archive.split("/").pop()]);
    await expect(readFile("/tmp/dreamd-abs-outside.md")).rejects.toThrow();
  });
});
