import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES, hashTree, listening } from "./fixtures.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;
let work: string;

function dreamd(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { PATH: process.env.PATH, ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-cli-"));
  await cp(join(EXAMPLES, "memory"), join(work, "memory"), { recursive: true });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("dreamd CLI", () => {
  it("dream prints a summary and, last, the proposal path; the memory is untouched", async () => {
    const before = await hashTree(join(work, "memory"));
    const r = await dreamd([
      "dream",
      "--memory",
      join(work, "memory"),
      "--sessions",
      join(EXAMPLES, "sessions"),
      "--out",
      join(work, "out"),
      "--engine",
      "offline",
      "--now",
      "2026-03-20T18:00:00Z",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^dream 20260320T180000Z-[0-9a-f]{6} \(offline engine\)$/);
    expect(r.stdout).toMatch(/proposed {2}\d+ operations \(\d+ merge, 1 supersede, \d+ normalize\)/);
    const dir = lines.at(-1) ?? "";
    expect(JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")).dreamId).toBe(
      dir.split("/").at(-1),
    );
    expect(await hashTree(join(work, "memory"))).toEqual(before);
  });

  it("exits 2 with one line for bad config or input", async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [
        ["dream", "--memory", join(work, "memory")],
        { DREAMD_MIN_SESSIONS: "0" },
        "dreamd: invalid config: DREAMD_MIN_SESSIONS must be ≥ 1\n",
      ],
      [
        ["dream", "--memory", join(work, "nope"), "--out", join(work, "o2")],
        {},
        `dreamd: memory dir ${join(work, "nope")} is not a directory\n`,
      ],
      [["dream", "--bogus", "1"], {}, "dreamd: unknown flag --bogus (see dreamd --help)\n"],
      [
        ["dream", "--memory", join(work, "memory"), "--now", "soon"],
        {},
        "dreamd: invalid --now: soon is not an ISO 8601 date-time\n",
      ],
      [
        ["dream", "--engine", "gpt"],
        {},
        "dreamd: invalid config: --engine must be one of auto, offline, claude\n",
      ],
      [
        ["verify", join(work, "missing.tar.gz")],
        {},
        `dreamd: snapshot ${join(work, "missing.tar.gz")} not found\n`,
      ],
      [["frobnicate"], {}, "dreamd: unknown command frobnicate (see dreamd --help)\n"],
      [
        ["dream", "--memory", join(work, "memory"), "--out", join(work, "memory", "out")],
        {},
        "dreamd: invalid config: DREAMD_PROPOSALS_DIR (--out) must not be inside DREAMD_MEMORY_DIR (the memory is never written)\n",
      ],
    ];
    for (const [args, env, stderr] of cases) {
      const r = await dreamd(args, env);
      expect({ code: r.code, stderr: r.stderr }, args.join(" ")).toEqual({ code: 2, stderr });
    }
  });

  it("--help lists every env var with its default", async () => {
    const r = await dreamd(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("DREAMD_MIN_SESSIONS");
    expect(r.stdout).toContain("(default 5)");
  });

  it("verify passes on a fresh snapshot and fails with a clear message on a tampered one", async () => {
    const out = join(work, "verify");
    const r = await dreamd(["dream", "--memory", join(work, "memory"), "--sessions", "", "--out", out]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(
      await readFile(join(r.stdout.trim().split("\n").at(-1) ?? "", "manifest.json"), "utf8"),
    );
    const archive: string = manifest.base.snapshot.path;
    const ok = await dreamd(["verify", archive]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/^ok: .* matches its manifest \(14 files\)/);

    // Flip one byte of a file's content inside the tar, keep the gzip valid.
    const tar = gunzipSync(await readFile(archive));
    const at = tar.indexOf(Buffer.from("Prefers small PRs"));
    tar[at] = "p".charCodeAt(0);
    await writeFile(archive, gzipSync(tar));
    const bad = await dreamd(["verify", archive]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("FAILED verification");
    expect(bad.stderr).toMatch(/sha256 mismatch \(content changed\)/);
    expect(bad.stderr).toMatch(/archive sha256 .* ≠ manifest/);
  });
});

describe("dreamd serve", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill("SIGKILL");
  });

  it("becomes ready, answers, and exits 0 on SIGTERM", async () => {
    const env = {
      PATH: process.env.PATH ?? "",
      DREAMD_MEMORY_DIR: join(work, "memory"),
      DREAMD_SESSIONS_DIR: join(EXAMPLES, "sessions"),
      DREAMD_PROPOSALS_DIR: join(work, "serve"),
      DREAMD_API_PORT: "0",
    };
    const proc = spawn(process.execPath, [MAIN, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    const { url, stderr } = await listening(proc);
    expect(stderr).toContain(`"tokenFile":"${join(work, "serve", ".dreamd", "api-token")}"`);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^dreamd_sessions_pending 6$/m);
    expect(metrics).toMatch(/^dreamd_dreams_total\{status="complete"\} 0$/m);
    expect(metrics).toMatch(/^dreamd_process_resident_memory_bytes \d+/m);
    const { statSync } = await import("node:fs");
    expect(statSync(join(work, "serve", ".dreamd", "api-token")).mode & 0o777).toBe(0o600);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/dreams`, { method: "POST" })).status).toBe(401);
    const token = (await readFile(join(work, "serve", ".dreamd", "api-token"), "utf8")).trim();
    expect(
      (await fetch(`${url}/dreams`, { method: "POST", headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(202);
    const t0 = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      proc.on("exit", (c) => resolve(c));
      proc.kill("SIGTERM");
    });
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe("runCli in-process", () => {
  it("prints one progress line per phase on a terminal, none otherwise", async () => {
    const { runCli } = await import("../src/cli.ts");
    const run = async (isTTY: boolean) => {
      let err = "";
      const code = await runCli(
        [
          "dream",
          "--memory",
          join(EXAMPLES, "memory"),
          "--sessions",
          "",
          "--out",
          join(work, `tty-${isTTY}`),
        ],
        { env: {}, stdout: () => {}, stderr: (s) => (err += s), isTTY },
      );
      return { code, err };
    };
    const tty = await run(true);
    expect(tty.code).toBe(0);
    expect(
      tty.err
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(/\s+/).slice(0, 2).join(" ")),
    ).toEqual(["orient …", "orient done", "consolidate …", "consolidate done", "output …", "output done"]);
    expect((await run(false)).err).toBe("");
  });
});
