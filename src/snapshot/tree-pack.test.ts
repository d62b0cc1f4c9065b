import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import tarStream from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeTreeFs, type SkippedEntry, type TreeFs } from "../fs/safe-tree.ts";
import { type PackedFile, packTree } from "./tree-pack.ts";

let work: string;
let tree: string;
const big = Buffer.alloc(3 * 1024 * 1024 + 7, "0123456789abcdef");

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-tree-pack-"));
  tree = join(work, "tree");
  await mkdir(join(tree, "private"), { recursive: true });
  await mkdir(join(tree, "notes"));
  await writeFile(join(tree, "notes", "a.md"), "- a\n");
  await writeFile(join(tree, "notes", "secret.md"), "- 0600 note\n");
  await writeFile(join(tree, "private", "p.md"), "- in a 0700 dir\n");
  await writeFile(join(tree, "big.bin"), big);
  await symlink("/etc/passwd", join(tree, "link.md"));
  execFileSync("mkfifo", [join(tree, "pipe.md")]);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function pack(fs?: TreeFs) {
  const files: PackedFile[] = [];
  const skipped: SkippedEntry[] = [];
  const entries: { name: string; type: string; uid: number; sha256: string }[] = [];
  const extract = tarStream.extract();
  extract.on("entry", (header, stream, next) => {
    const h = createHash("sha256");
    stream.on("data", (c: unknown) => h.update(c as Buffer));
    stream.on("end", () => {
      entries.push({ name: header.name, type: header.type, uid: header.uid, sha256: h.digest("hex") });
      next();
    });
  });
  await pipeline(
    packTree(tree, { onFile: (f) => files.push(f), onSkip: (s) => skipped.push(s), ...(fs ? { fs } : {}) }),
    extract,
  );
  return { files, skipped, entries };
}

const failOpen = (re: RegExp): TreeFs => ({
  ...nodeTreeFs,
  open: async (path, flags) => {
    if (re.test(nodeTreeFs.fdPath(Number(path.split("/")[4])) + path.slice(path.lastIndexOf("/")))) {
      throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: "EACCES" });
    }
    return nodeTreeFs.open(path, flags);
  },
});

describe("packTree", () => {
  it("archives directories and regular files from their descriptors, hashing what it writes", async () => {
    const { files, skipped, entries } = await pack();
    expect(entries.map((e) => `${e.type} ${e.name}`)).toEqual([
      "directory .",
      "file big.bin",
      "directory notes",
      "file notes/a.md",
      "file notes/secret.md",
      "directory private",
      "file private/p.md",
    ]);
    expect(entries.every((e) => e.uid === 0)).toBe(true);
    const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
    expect(files.find((f) => f.path === "big.bin")).toEqual({
      path: "big.bin",
      sha256: sha(big),
      bytes: big.length,
    });
    for (const f of files) expect(entries.find((e) => e.name === f.path)?.sha256).toBe(f.sha256);
    expect(skipped.map((s) => `${s.path}: ${s.error}`)).toEqual([
      "link.md: symlink: not followed",
      "pipe.md: fifo: not a regular file, never opened",
    ]);
  });

  it("leaves out a file and a directory it may not open, and says so", async () => {
    const { skipped, entries } = await pack(failOpen(/\/(notes\/secret\.md|private)$/));
    expect(entries.map((e) => e.name)).toEqual([".", "big.bin", "notes", "notes/a.md"]);
    expect(skipped.map((s) => `${s.path}: ${s.error}`)).toEqual([
      "link.md: symlink: not followed",
      "notes/secret.md: unreadable (EACCES)",
      "pipe.md: fifo: not a regular file, never opened",
      "private: unreadable directory (EACCES): nothing in it read",
    ]);
  });

  it("fails, rather than archive a torn copy, when a streamed file shrinks while it is read", async () => {
    const shrink = join(work, "shrink");
    await mkdir(shrink);
    await writeFile(join(shrink, "big.bin"), big);
    const fs: TreeFs = {
      ...nodeTreeFs,
      open: async (path, flags) => {
        const fh = await nodeTreeFs.open(path, flags);
        if (!path.endsWith("/big.bin")) return fh;
        // After fstat (so the entry is streamed at the old size), before the bytes are read.
        const read = fh.read.bind(fh) as (...a: unknown[]) => ReturnType<typeof fh.read>;
        let first = true;
        Object.assign(fh, {
          read: async (...args: unknown[]) => {
            if (first) await truncate(join(shrink, "big.bin"), 1000);
            first = false;
            return read(...args);
          },
        });
        return fh;
      },
    };
    const sink = async (src: AsyncIterable<unknown>) => {
      for await (const _ of src);
    };
    await expect(pipeline(packTree(shrink, { onFile() {}, onSkip() {}, fs }), sink)).rejects.toThrow(
      /big.bin shrank while it was read/,
    );
  });
});
