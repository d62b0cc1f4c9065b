import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeTreeFs, type TreeFs } from "../fs/safe-tree.ts";
import { readMemory } from "./reader.ts";

let root: string;
let memory: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "dreamd-reader-"));
  memory = join(root, "memory");
  await mkdir(join(memory, "topics"), { recursive: true });
  await mkdir(join(root, "outside"));
  await writeFile(join(root, "outside", "secret.md"), "- secret outside the root\n");
  await writeFile(join(memory, "MEMORY.md"), "# Memory\n- [Topic](topics/a.md)\n");
  await writeFile(join(memory, "topics", "a.md"), "- fact\n");
  await writeFile(join(memory, "big.md"), `- ${"x".repeat(2000)}\n`);
  await writeFile(join(memory, "bin.md"), Buffer.from([0x89, 0x50, 0, 1]));
  await writeFile(join(memory, "data.json"), "{}");
  await symlink(join(root, "outside", "secret.md"), join(memory, "link.md"));
  await symlink(join(root, "outside"), join(memory, "linked-dir"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("readMemory", () => {
  it("reads notes, carries other files as opaque, reports what it skips and never follows links", async () => {
    const store = await readMemory(memory, { maxFileBytes: 1000 });
    expect(store.notes.map((n) => n.path)).toEqual(["MEMORY.md", "topics/a.md"]);
    expect(store.notes[1]?.parsed.entries.map((e) => e.lines)).toEqual([["- fact"]]);
    expect(store.opaque.map((f) => [f.path, f.reason])).toEqual([
      ["big.md", "too large (2003 bytes > 1000)"],
      ["bin.md", "binary content (NUL byte)"],
      ["data.json", "not a note"],
    ]);
    expect(store.problems).toEqual([
      { source: "memory", path: "big.md", error: "too large (2003 bytes > 1000): copied unchanged" },
      { source: "memory", path: "bin.md", error: "binary content (NUL byte): copied unchanged" },
      { source: "memory", path: "link.md", error: "symlink: not followed, not copied" },
      { source: "memory", path: "linked-dir", error: "symlink: not followed, not copied" },
    ]);
    expect(JSON.stringify(store)).not.toContain("secret outside the root");
  });
});

describe("readMemory with entries it cannot read", () => {
  it("skips a FIFO without opening it and unreadable files and dirs, listing each as skipped", async () => {
    const mem = join(root, "unreadable");
    await mkdir(join(mem, "private"), { recursive: true });
    await writeFile(join(mem, "ok.md"), "- fine\n");
    await writeFile(join(mem, "secret.md"), "- mode 0600, another uid\n");
    await writeFile(join(mem, "photo.png"), "PNG");
    await writeFile(join(mem, "private", "p.md"), "- in a 0700 dir\n");
    execFileSync("mkfifo", [join(mem, "pipe.md")]);
    // Tests run as root, whom no mode stops: the kernel's EACCES is injected here (the container test
    // and test/unreadable.test.ts get it for real, as uid 65532).
    const opened: string[] = [];
    const fs: TreeFs = {
      ...nodeTreeFs,
      open: async (path, flags) => {
        const name = `${nodeTreeFs.fdPath(Number(path.split("/")[4]))}${path.slice(path.lastIndexOf("/"))}`;
        opened.push(name);
        if (/\/(secret\.md|photo\.png|private)$/.test(name)) {
          throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: "EACCES" });
        }
        return nodeTreeFs.open(path, flags);
      },
    };
    const store = await readMemory(mem, { maxFileBytes: 1000, fs });
    expect(store.notes.map((n) => n.path)).toEqual(["ok.md"]);
    expect(store.opaque).toEqual([]);
    expect(store.problems).toEqual([
      { source: "memory", path: "photo.png", error: "unreadable (EACCES), not copied" },
      { source: "memory", path: "pipe.md", error: "fifo: not a regular file, never opened, not copied" },
      {
        source: "memory",
        path: "private",
        error: "unreadable directory (EACCES): nothing in it read, not copied",
      },
      { source: "memory", path: "secret.md", error: "unreadable (EACCES), not copied" },
    ]);
    expect(store.skipped?.map((s) => s.path)).toEqual(["photo.png", "pipe.md", "private", "secret.md"]);
    expect(opened.filter((p) => p.endsWith("/pipe.md"))).toEqual([]);
  });
});
