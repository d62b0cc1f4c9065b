import { execFile, execFileSync } from "node:child_process";
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDream } from "../src/dream/run.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { nodeTreeFs, type TreeFs } from "../src/fs/safe-tree.ts";
import { type Manifest, manifestSchema } from "../src/manifest.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { dreamOptions, EXAMPLES, hashTree } from "./fixtures.ts";

/**
 * The agent writes as another uid: a 0600 note or a 0700 directory, in memory or in sessions, must be
 * reported and skipped, never fail the dream; a FIFO must be reported and never opened (it would block).
 */
const MAIN = new URL("../src/main.ts", import.meta.url).pathname;
const NOW = "2026-03-20T18:00:00Z";
let work: string;
let memory: string;
let sessions: string;

const transcript = (text: string) => `${JSON.stringify({ type: "user", message: { content: text } })}\n`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-unreadable-"));
  await chmod(work, 0o755);
  memory = join(work, "memory");
  sessions = join(work, "sessions");
  await cp(join(EXAMPLES, "memory"), memory, { recursive: true });
  await cp(join(EXAMPLES, "sessions"), sessions, { recursive: true });
  await writeFile(join(memory, "secret.md"), "- a note only its writer may read\n", { mode: 0o600 });
  await mkdir(join(memory, "private"), { mode: 0o700 });
  await writeFile(join(memory, "private", "p.md"), "- in a private dir\n");
  await writeFile(join(sessions, "secret.jsonl"), transcript("private session"), { mode: 0o600 });
  await mkdir(join(sessions, "private"), { mode: 0o700 });
  await writeFile(join(sessions, "private", "s.jsonl"), transcript("in a private dir"));
  execFileSync("mkfifo", [join(memory, "pipe.md"), join(sessions, "pipe.jsonl")]);
  // Not root: the owner is refused once the mode says so. Root: the dream runs as 65532 (below).
  if (process.getuid?.() !== 0) {
    for (const p of ["memory/secret.md", "memory/private", "sessions/secret.jsonl", "sessions/private"])
      await chmod(join(work, p), 0);
  }
});
afterAll(async () => {
  await chmod(join(memory, "private"), 0o700).catch(() => {});
  await chmod(join(sessions, "private"), 0o700).catch(() => {});
  await rm(work, { recursive: true, force: true });
});

const EXPECTED = [
  ["memory", "pipe.md", /^fifo: not a regular file, never opened, not copied$/],
  ["memory", "private", /^unreadable directory \(EACCES\): nothing in it read, not copied$/],
  ["memory", "secret.md", /^unreadable \(EACCES\), not copied$/],
  ["session", "pipe.jsonl", /^fifo: not a regular file, never opened$/],
  ["session", "private", /^unreadable directory \(EACCES\): nothing in it read$/],
  ["session", "secret.jsonl", /^unreadable \(EACCES\)$/],
] as const;

async function expectReported(dir: string, manifest: Manifest): Promise<void> {
  const problems = manifest.problems.filter((p) => /pipe|private|secret/.test(p.path));
  expect(problems.map((p) => [p.source, p.path])).toEqual(EXPECTED.map(([s, p]) => [s, p]));
  for (const [i, [, , re]] of EXPECTED.entries()) expect(problems[i]?.error).toMatch(re);
  // Left out of store/, and said to be no deletion, in the manifest and in the report.
  expect(manifest.output.skipped?.map((s) => s.path)).toEqual(["pipe.md", "private", "secret.md"]);
  const store = Object.keys(await hashTree(join(dir, "store")));
  expect(store.filter((p) => /pipe|private|secret/.test(p))).toEqual([]);
  expect(store).toContain("MEMORY.md");
  const report = await readFile(join(dir, "report.md"), "utf8");
  expect(report).toContain("3 memory entries are not in `store/` and are not deletions");
  expect(report).toMatch(
    /## Left out of store\/ \(not deletions\)[\s\S]*- secret\.md: unreadable \(EACCES\)/,
  );
  expect(await readFile(join(dir, "diff.patch"), "utf8")).not.toMatch(/secret|private|pipe/);
  expect(manifest.sessions.length).toBe(6);
}

describe("unreadable files and FIFOs", () => {
  it("are reported and skipped by a dream (EACCES injected: fast, and works as root)", async () => {
    const fs: TreeFs = {
      ...nodeTreeFs,
      open: async (path, flags) => {
        const name = `${nodeTreeFs.fdPath(Number(path.split("/")[4]))}${path.slice(path.lastIndexOf("/"))}`;
        if (/\/(secret\.(md|jsonl)|private)$/.test(name)) {
          throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: "EACCES" });
        }
        return nodeTreeFs.open(path, flags);
      },
    };
    const deps = { engine: createOfflineEngine(), registry: createFormatRegistry(), fs };
    const r = await runDream(
      dreamOptions(join(work, "out-injected"), { memoryDir: memory, sessionsDir: sessions }),
      deps,
    );
    await expectReported(r.dir, r.manifest);
    expect(r.manifest.operations.length).toBeGreaterThan(5);
  });

  it("are reported and skipped when the kernel refuses them (dreamd as uid 65532, or mode 0 as non-root)", async () => {
    const out = join(work, "out-real");
    await mkdir(out);
    const asOther = process.getuid?.() === 0;
    if (asOther) await chown(out, 65532, 65532);
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          MAIN,
          "dream",
          "--memory",
          memory,
          "--sessions",
          sessions,
          "--out",
          out,
          "--engine",
          "offline",
          "--now",
          NOW,
        ],
        { env: { PATH: process.env.PATH }, timeout: 60_000, ...(asOther ? { uid: 65532, gid: 65532 } : {}) },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const dir = run.stdout.trim().split("\n").at(-1) ?? "";
    const manifest = manifestSchema.parse(JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")));
    await expectReported(dir, manifest);
  });
});
