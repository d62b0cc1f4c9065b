// dreamd review and dreamd apply as a person runs them: a dream over a copy of the example store, two
// operations accepted and one rejected, then apply; the memory changes by exactly those two.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../src/manifest.ts";
import { EXAMPLES, hashTree } from "./fixtures.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;
let work: string;

function dreamd(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { PATH: process.env.PATH } },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-apply-cli-"));
  await cp(join(EXAMPLES, "memory"), join(work, "memory"), { recursive: true });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("dreamd review and apply", () => {
  it("applies exactly the accepted operations, after a rollback snapshot, and says so", async () => {
    const memory = join(work, "memory");
    const out = join(work, "out");
    const d = await dreamd([
      "dream",
      "--memory",
      memory,
      "--sessions",
      join(EXAMPLES, "sessions"),
      "--out",
      out,
      "--engine",
      "offline",
      "--now",
      "2026-03-20T18:00:00Z",
    ]);
    expect(d.code).toBe(0);
    const dir = d.stdout.trim().split("\n").at(-1) ?? "";
    const m = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Manifest;
    const removals = m.operations.filter((o) => o.changes.every((c) => c.after.length === 0));
    expect(removals.length).toBeGreaterThanOrEqual(3);
    const [a, b, c] = removals;
    const r = await dreamd([
      "review",
      m.dreamId,
      "--accept",
      `${a?.id},${b?.id}`,
      "--reject",
      `${c?.id}`,
      "--by",
      "dana",
      "--out",
      out,
    ]);
    expect(r.stdout).toMatch(/2 accepted, 1 rejected/);
    const before = await hashTree(memory);
    const ap = await dreamd(["apply", m.dreamId, "--memory", memory, "--out", out]);
    expect(ap.stdout).toMatch(/: 2 applied, 0 conflicts, \d+ skipped; \d+ files changed/);
    expect(ap.stdout).toMatch(/rollback point .*apply-.*\.tar\.gz/);
    expect(ap.code).toBe(0);
    const after = await hashTree(memory);
    const changed = Object.keys(after).filter((p) => after[p] !== before[p]);
    expect(changed.sort()).toEqual(
      [...new Set([a, b].flatMap((o) => o?.changes.map((x) => x.path) ?? []))].sort(),
    );
    const log = (await readFile(join(out, ".dreamd", "applies.jsonl"), "utf8")).trim().split("\n");
    expect(
      JSON.parse(log.at(-1) ?? "{}").results.filter((x: { status: string }) => x.status === "applied"),
    ).toHaveLength(2);
    // Applying again: the two were applied already, and are never applied twice.
    const again = await dreamd(["apply", m.dreamId, "--memory", memory, "--out", out]);
    expect(again.stdout).toMatch(/0 applied, 0 conflicts/);
    expect(await hashTree(memory)).toEqual(after);
    // Revert the first apply: memory is back as before it, byte for byte.
    const applyId = JSON.parse(log.at(-1) ?? "{}").applyId as string;
    const rv = await dreamd(["revert", applyId, "--memory", memory, "--out", out]);
    expect(rv.stdout).toMatch(/: 2 reverted, 0 conflicts/);
    expect(rv.code).toBe(0);
    expect(await hashTree(memory)).toEqual(before);
    // The apply's rollback point is the memory as it is again now: a rollback finds nothing to change.
    const point = /rollback point (\S+)/.exec(ap.stdout)?.[1] ?? "";
    const rb = await dreamd(["rollback", point, "--dry-run", "--memory", memory, "--out", out]);
    expect(rb.stdout).toMatch(/rollback to .* \(dry run: nothing changed\)/);
    expect(rb.stdout).not.toMatch(/would/);
    expect(rb.code).toBe(0);
  });
});
