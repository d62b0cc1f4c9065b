import { type ChildProcess, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDream } from "../src/dream/run.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { dreamOptions, hashTree } from "./fixtures.ts";

/**
 * A writer swaps a directory inside the memory dir for a symlink to an outside directory and back, as
 * fast as it can, while dreams run. The outside files have the same names, so a reader that checks a
 * path and then opens it by path (tar-fs, or O_NOFOLLOW on the last component only) reads their bytes.
 */
const MARKER = "OUTSIDE-SECRET-7f3a9c";
const DREAMS = 60;
const FILES = 24;

let work: string;
let memory: string;
let swapper: ChildProcess | undefined;

// Two renames each way: Node has no renameat2(RENAME_EXCHANGE), and rename(2) of a symlink onto a
// path needs the directory moved away first (between the two, \`sub\` is briefly absent). The real
// directory stays long enough for a walk to enter it, the link comes and goes inside that walk.
const SWAPPER = `
const { renameSync } = require("node:fs");
const [sub, real, link] = process.argv.slice(1);
const cell = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(cell, 0, 0, ms);
let n = 0;
for (;;) {
  sleep(Math.random() * 2);
  renameSync(sub, real); renameSync(link, sub);
  sleep(Math.random() * 0.5);
  renameSync(sub, link); renameSync(real, sub);
  if (++n % 100 === 0 && process.send) process.send(n);
}`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-race-"));
  memory = join(work, "memory");
  const outside = join(work, "outside");
  await mkdir(join(memory, "sub"), { recursive: true });
  await mkdir(join(work, "stash"));
  await mkdir(outside);
  await writeFile(join(memory, "MEMORY.md"), "# Memory\n- [Sub](sub/n00.md)\n");
  for (let i = 0; i < FILES; i++) {
    const name = `n${String(i).padStart(2, "0")}`;
    // Same sizes inside and out, so a leak is not caught by tar's size check by luck.
    await writeFile(join(memory, "sub", `${name}.md`), `${`- inside note ${i}`.padEnd(40)}\n`);
    await writeFile(join(memory, "sub", `${name}.bin`), `${`inside opaque ${i}`.padEnd(40)}\n`);
    await writeFile(join(outside, `${name}.md`), `${`- ${MARKER} ${i}`.padEnd(40)}\n`);
    await writeFile(join(outside, `${name}.bin`), `${`${MARKER} ${i}`.padEnd(40)}\n`);
  }
  await symlink(outside, join(work, "stash", "sub-link"));
});
afterAll(async () => {
  swapper?.kill("SIGKILL");
  await rm(work, { recursive: true, force: true });
});

describe("a directory swapped for a symlink while dreams run", () => {
  it(`puts no outside byte in any snapshot or proposed store over ${DREAMS} dreams`, async () => {
    const child = spawn(
      process.execPath,
      ["-e", SWAPPER, join(memory, "sub"), join(work, "stash", "sub-real"), join(work, "stash", "sub-link")],
      { stdio: ["ignore", "ignore", "inherit", "ipc"] },
    );
    swapper = child;
    let swaps = 0;
    child.on("message", (n) => {
      swaps = Number(n);
    });
    await new Promise<void>((resolve) => child.once("message", () => resolve()));

    const out = join(work, "out");
    const snapshotsDir = join(out, "snapshots");
    // A failed dream removes its snapshot (no proposal refers to it); keep a copy of every archive as it
    // was written, so the scan below sees each one, whatever became of its dream.
    const seen = join(work, "seen");
    await mkdir(seen, { recursive: true });
    const keepArchives = async <T>(fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } finally {
        for (const name of await readdir(snapshotsDir).catch(() => [] as string[])) {
          if (name.endsWith(".tar.gz"))
            await copyFile(join(snapshotsDir, name), join(seen, name)).catch(() => {});
        }
      }
    };
    const deps = { engine: createOfflineEngine(), registry: createFormatRegistry() };
    const failures = new Map<string, number>();
    const stores: string[] = [];
    for (let i = 0; i < DREAMS; i++) {
      try {
        const r = await runDream(
          // Every dream writes its own archive (none reused), so each one's walk through the race is scanned.
          dreamOptions(out, {
            memoryDir: memory,
            sessionsDir: join(work, "none"),
            freeze: keepArchives,
            reuseSnapshot: false,
          }),
          deps,
        );
        stores.push(join(r.dir, "store"));
      } catch (err) {
        // A tree that changes under a dream may fail it (it retries later); it must never leak.
        const msg = (err as Error).message.replace(/\d{8}T\d{6}Z-[0-9a-f]{6}/g, "<id>");
        failures.set(msg, (failures.get(msg) ?? 0) + 1);
      }
    }
    child.kill("SIGKILL");
    swapper = undefined;

    const archives = (await readdir(seen)).filter((n) => n.endsWith(".tar.gz"));
    const leakedArchives: string[] = [];
    let withSub = 0;
    for (const name of archives) {
      const tar = gunzipSync(await readFile(join(seen, name)));
      if (tar.includes(MARKER)) leakedArchives.push(name);
      if (tar.includes("inside note")) withSub++;
    }
    const leakedStores: string[] = [];
    for (const store of stores) {
      for (const path of Object.keys(await hashTree(store))) {
        if ((await readFile(join(store, path))).includes(MARKER)) leakedStores.push(`${store}/${path}`);
      }
    }
    const summary = {
      swaps,
      dreams: DREAMS,
      snapshots: archives.length,
      snapshotsWithSub: withSub,
      proposals: stores.length,
      leakedSnapshots: leakedArchives.length,
      leakedStoreFiles: leakedStores.length,
      failures: Object.fromEntries(failures),
    };
    console.log(`symlink race: ${JSON.stringify(summary)}`);
    expect(swaps).toBeGreaterThan(0);
    expect(archives.length).toBeGreaterThanOrEqual(50);
    // The race was run, not dodged: some snapshots did walk into the swapped directory.
    expect(withSub).toBeGreaterThan(0);
    expect(leakedArchives).toEqual([]);
    expect(leakedStores).toEqual([]);
  }, 300_000);
});
