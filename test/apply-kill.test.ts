// Issue 14: an apply touching 20 files is killed with SIGKILL at every point between its writes, fsyncs
// and renames (staging, journal, each file's check, write, fsync, rename); after each, recovery runs and
// the memory tree's sha256 is the pre-apply tree or the post-apply tree, never a mix.
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recoverApply } from "../src/apply/journal.ts";
import { appendReview } from "../src/apply/review-log.ts";
import { dreamFor, hashTree, writeTree } from "./fixtures.ts";

const CHILD = new URL("./apply-child.ts", import.meta.url).pathname;
const FILES = Object.fromEntries(
  Array.from({ length: 20 }, (_, i) => [
    `notes/topic-${String(i).padStart(2, "0")}.md`,
    `# Topic ${i}\n\n## Run 2026-03-17 06:${String(i).padStart(2, "0")}\n- alpha ${i} checked\n- beta ${i} checked\n- alpha ${i} checked\n- beta ${i} checked\n`,
  ]),
);
let work: string;
let dreamId: string;

function child(args: string[]): Promise<{ signal: string | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, ...args], (err, stdout) => {
      resolve({ signal: (err as { signal?: string } | null)?.signal ?? null, stdout });
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-kill-"));
  await writeTree(join(work, "pristine"), FILES);
  const r = await dreamFor(join(work, "proposals"), join(work, "pristine"));
  dreamId = r.manifest.dreamId;
  expect(new Set(r.manifest.operations.flatMap((o) => o.targets)).size).toBe(20);
  await appendReview(
    join(work, "proposals", dreamId),
    r.manifest.operations.map((o) => ({ at: "t", by: "test", op: o.id, decision: "accepted" as const })),
  );
}, 60_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("apply killed at every point", () => {
  it("recovers to exactly the pre-apply or the post-apply tree, at ≥ 50 distinct points", async () => {
    const pre = JSON.stringify(await hashTree(join(work, "pristine")));
    const full = join(work, "full");
    await cp(join(work, "pristine"), full, { recursive: true });
    const done = await child([join(work, "proposals"), join(work, "state-full"), full, dreamId, "-1"]);
    const steps = Number(done.stdout.trim());
    const post = JSON.stringify(await hashTree(full));
    expect(post).not.toBe(pre);
    expect(steps).toBeGreaterThanOrEqual(50);
    const seen = { pre: 0, post: 0 };
    for (let k = 0; k < steps; k++) {
      const memory = join(work, `m${k}`);
      const stateDir = join(work, `state-${k}`);
      await cp(join(work, "pristine"), memory, { recursive: true });
      const r = await child([join(work, "proposals"), stateDir, memory, dreamId, String(k)]);
      expect(r.signal, `step ${k}`).toBe("SIGKILL");
      await recoverApply({ memoryDir: memory, stateDir });
      const got = JSON.stringify(await hashTree(memory));
      expect([pre, post], `step ${k}`).toContain(got);
      seen[got === pre ? "pre" : "post"]++;
      await rm(memory, { recursive: true, force: true });
    }
    // Killed before the journal, memory is as before; after it, recovery completes the apply.
    expect(seen.pre).toBeGreaterThan(0);
    expect(seen.post).toBeGreaterThan(0);
  }, 300_000);
});
