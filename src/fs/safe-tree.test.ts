import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapAhead, readInside, readOpened } from "./safe-read.ts";
import { MAX_DEPTH, nodeTreeFs, openInside, type TreeEntry, type TreeFs, walkTree } from "./safe-tree.ts";

let work: string;
let root: string;
let outside: string;
let server: Server;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-safe-tree-"));
  root = join(work, "root");
  outside = join(work, "outside");
  await mkdir(join(root, "b", "c"), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, "x.md"), "OUTSIDE");
  await writeFile(join(root, "a.md"), "a\n");
  await writeFile(join(root, "b", "c", "d.md"), "d\n");
  await writeFile(join(root, "b", "e.bin"), "e");
  await symlink(join(outside, "x.md"), join(root, "file-link.md"));
  await symlink(outside, join(root, "dir-link"));
  execFileSync("mkfifo", [join(root, "pipe.jsonl")]);
  server = createServer();
  await new Promise<void>((r) => server.listen(join(root, "sock"), r));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(work, { recursive: true, force: true });
});

const list = async (dir: string, fs?: TreeFs) => {
  const out: string[] = [];
  for await (const e of walkTree(dir, fs ? { fs } : {})) {
    out.push(e.type === "skipped" ? `${e.path} ${e.kind}: ${e.error}` : `${e.path || "."} ${e.type}`);
  }
  return out;
};

/** nodeTreeFs with hooks, recording every path opened. */
function hooked(hooks: Partial<TreeFs> = {}): TreeFs & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    open: async (path, flags) => {
      opened.push(path);
      return (hooks.open ?? nodeTreeFs.open)(path, flags);
    },
    lstat: hooks.lstat ?? nodeTreeFs.lstat,
    readdir: hooks.readdir ?? nodeTreeFs.readdir,
    fdPath: hooks.fdPath ?? nodeTreeFs.fdPath,
  };
}

const eacces = (path: string) =>
  Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: "EACCES" });

async function readAll(dir: string, fs?: TreeFs): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of walkTree(dir, fs ? { fs } : {})) {
    if (e.type !== "file") continue;
    const o = await e.open();
    if (!("ok" in o)) {
      out[e.path] = `skipped: ${o.error}`;
      continue;
    }
    out[e.path] = (await readOpened(o.fh, o.stat.size, o.stat.size)).toString();
    await o.fh.close();
  }
  return out;
}

describe("walkTree", () => {
  it("lists the root first, then depth first in sorted order; links and special files are skipped, never opened", async () => {
    const fs = hooked();
    expect(await list(root, fs)).toEqual([
      ". dir",
      "a.md file",
      "b dir",
      "b/c dir",
      "b/c/d.md file",
      "b/e.bin file",
      "dir-link symlink: symlink: not followed",
      "file-link.md symlink: symlink: not followed",
      "pipe.jsonl special: fifo: not a regular file, never opened",
      "sock special: socket: not a regular file, never opened",
    ]);
    // Only directories were opened (files only on open()), each through its parent's descriptor.
    expect(fs.opened.filter((p) => /pipe|sock|link/.test(p))).toEqual([]);
    expect(fs.opened.slice(1).every((p) => p.startsWith("/proc/self/fd/"))).toBe(true);
  });

  it("reads file contents through the opened descriptors, none from outside", async () => {
    expect(await readAll(root)).toEqual({ "a.md": "a\n", "b/c/d.md": "d\n", "b/e.bin": "e" });
  });

  it("follows the root itself when it is a symlink (Kubernetes ..data)", async () => {
    const link = join(work, "root-link");
    await symlink(root, link);
    expect((await list(link)).slice(0, 3)).toEqual([". dir", "a.md file", "b dir"]);
  });

  it("reports files and directories it may not read (EACCES) and walks on", async () => {
    // Tests run as root, who reads any mode: the kernel's refusal is injected (test/unreadable.test.ts
    // and the container test get it from the kernel, as another uid).
    const fs = hooked({
      open: async (path, flags) => {
        if (/\/(a\.md|c)$/.test(path)) throw eacces(path);
        return nodeTreeFs.open(path, flags);
      },
    });
    expect(await list(root, fs)).toContain(
      "b/c unreadable: unreadable directory (EACCES): nothing in it read",
    );
    expect(await readAll(root, fs)).toEqual({ "a.md": "skipped: unreadable (EACCES)", "b/e.bin": "e" });
  });

  it("reports a directory it can open but not list", async () => {
    const fs = hooked({
      readdir: async (path) => {
        if ((nodeTreeFs.fdPath(Number(path.split("/").pop())) ?? "").endsWith("/b/c")) throw eacces(path);
        return nodeTreeFs.readdir(path);
      },
    });
    expect(await list(root, fs)).toContain(
      "b/c unreadable: unreadable directory (EACCES): nothing in it read",
    );
  });

  it("does not enter a directory swapped for a symlink between lstat and open", async () => {
    const tree = join(work, "swap-dir");
    await mkdir(join(tree, "sub"), { recursive: true });
    await writeFile(join(tree, "sub", "x.md"), "inside");
    const fs = hooked({
      lstat: async (path) => {
        const st = await nodeTreeFs.lstat(path);
        if (path.endsWith("/sub") && st.isDirectory()) {
          await rename(join(tree, "sub"), join(tree, "sub.real"));
          await symlink(outside, join(tree, "sub"));
        }
        return st;
      },
    });
    const out = await list(tree, fs);
    expect(out).toContain("sub replaced: replaced while being read (not followed)");
    expect(out).not.toContain("sub/x.md file");
  });

  it("does not read a file swapped for another between lstat and open", async () => {
    const tree = join(work, "swap-file");
    await mkdir(tree);
    await writeFile(join(tree, "x.md"), "inside");
    const fs = hooked({
      lstat: async (path) => {
        const st = await nodeTreeFs.lstat(path);
        if (path.endsWith("/x.md")) {
          await rename(join(tree, "x.md"), join(work, "x-old.md"));
          await writeFile(join(tree, "x.md"), "OUTSIDE-swapped-in");
        }
        return st;
      },
    });
    expect(await readAll(tree, fs)).toEqual({ "x.md": "skipped: replaced while being read (not followed)" });
  });

  it("refuses a file whose directory was moved out of the root after the walk entered it", async () => {
    const tree = join(work, "moved");
    await mkdir(join(tree, "sub"), { recursive: true });
    await writeFile(join(tree, "sub", "x.md"), "moved out");
    const fs = hooked({
      open: async (path, flags) => {
        if (path.endsWith("/x.md")) await rename(join(tree, "sub"), join(work, "moved-away"));
        return nodeTreeFs.open(path, flags);
      },
    });
    // The directory's descriptor still reaches x.md, now outside: the kernel's name for it says so.
    expect(await readAll(tree, fs)).toEqual({
      "sub/x.md": "skipped: replaced while being read (not followed)",
    });
  });

  it("stops at MAX_DEPTH levels and says so", async () => {
    const tree = join(work, "deep");
    const parts = Array.from({ length: MAX_DEPTH + 1 }, (_, i) => `d${i}`);
    await mkdir(join(tree, ...parts), { recursive: true });
    const out = await list(tree);
    expect(out.at(-1)).toBe(`${parts.join("/")} too-deep: more than ${MAX_DEPTH} levels deep: not walked`);
  });

  it("without /proc, opens by full path and still catches a swap that is in place", async () => {
    const noProc = hooked({ fdPath: () => null });
    expect(await readAll(root, noProc)).toEqual({ "a.md": "a\n", "b/c/d.md": "d\n", "b/e.bin": "e" });
    expect(noProc.opened.some((p) => p.startsWith("/proc/"))).toBe(false);
    const tree = join(work, "swap-noproc");
    await mkdir(join(tree, "sub"), { recursive: true });
    await writeFile(join(tree, "sub", "x.md"), "inside");
    await mkdir(join(work, "noproc-outside"));
    await writeFile(join(work, "noproc-outside", "x.md"), "OUTSIDE");
    const fs = hooked({
      fdPath: () => null,
      lstat: async (path) => {
        const st = await nodeTreeFs.lstat(path);
        if (path.endsWith("/sub/x.md")) {
          await rename(join(tree, "sub"), join(tree, "sub.real"));
          await symlink(join(work, "noproc-outside"), join(tree, "sub"));
        }
        return st;
      },
    });
    expect(await readAll(tree, fs)).toEqual({
      "sub/x.md": "skipped: replaced while being read (not followed)",
    });
  });
});

describe("openInside / readInside", () => {
  it("reads a file below the root", async () => {
    expect(await readInside(root, "b/c/d.md", 100)).toMatchObject({ ok: true, size: 2 });
  });

  it("never follows a link on any component and never opens a FIFO", async () => {
    await writeFile(join(outside, "y.md"), "OUTSIDE");
    const fs = hooked();
    expect(await readInside(root, "dir-link/y.md", 100, { fs })).toMatchObject({
      ok: false,
      error: "symlink: not followed",
    });
    expect(await readInside(root, "file-link.md", 100, { fs })).toMatchObject({ ok: false });
    expect(await readInside(root, "pipe.jsonl", 100, { fs })).toMatchObject({
      ok: false,
      error: "fifo: not a regular file, never opened",
    });
    expect(fs.opened.filter((p) => /pipe|link/.test(p))).toEqual([]);
  });

  it("reports unreadable, missing and oversized files instead of throwing", async () => {
    const fs = hooked({
      open: async (path, flags) => {
        if (path.endsWith("/e.bin")) throw eacces(path);
        return nodeTreeFs.open(path, flags);
      },
    });
    expect(await readInside(root, "b/e.bin", 100, { fs })).toMatchObject({
      ok: false,
      error: "unreadable (EACCES)",
    });
    expect(await readInside(root, "b/nope.md", 100)).toMatchObject({
      ok: false,
      error: "removed while being read",
    });
    expect(await readInside(root, "a.md", 1)).toMatchObject({ ok: false, error: "too large (2 bytes > 1)" });
    expect(await openInside(root, "b")).toMatchObject({ type: "skipped", error: "a directory, not a file" });
    await expect(openInside(root, "../outside/x.md")).rejects.toThrow(/bad path/);
  });
});

describe("mapAhead", () => {
  it("keeps walk order with loads in flight, and disposes of results it never yielded", async () => {
    const delays = [30, 0, 20, 0, 10, 0, 0, 0, 0, 0, 0];
    let i = 0;
    const seen: string[] = [];
    for await (const p of mapAhead(
      walkTree(root),
      async (e: TreeEntry) => {
        if (e.type === "file") {
          const o = await e.open();
          if ("ok" in o) await o.fh.close();
        }
        await new Promise((r) => setTimeout(r, delays[i++] ?? 0));
        return e.path;
      },
      4,
    ))
      seen.push(p);
    expect(seen).toEqual([
      "",
      "a.md",
      "b",
      "b/c",
      "b/c/d.md",
      "b/e.bin",
      "dir-link",
      "file-link.md",
      "pipe.jsonl",
      "sock",
    ]);

    const disposed: string[] = [];
    const run = async () => {
      for await (const p of mapAhead(
        walkTree(root),
        async (e: TreeEntry) => e.path,
        4,
        async (p) => {
          disposed.push(p);
        },
      )) {
        if (p === "a.md") throw new Error("stop");
      }
    };
    await expect(run()).rejects.toThrow("stop");
    expect(disposed).toEqual(["b", "b/c", "b/c/d.md"]);
  });
});
