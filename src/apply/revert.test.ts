import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dreamFor, writeTree } from "../../test/fixtures.ts";
import { applyProposal } from "./apply.ts";
import { execute } from "./execute.ts";
import { revertApply } from "./revert.ts";
import { appendReview } from "./review-log.ts";

const queries = ["VP Platform", "Head of Data", "CTO", "Director AI"];
const run = queries.map((q, i) => `- ${q} in Oman: ${i} jobs`).join("\n");
const LOG = `# Search log\n\n## Run 2026-03-17 06:01\n${run}\n${run}\n\n## Notes\n- Kept by hand.\n`;
let work: string;
let dreamId: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-revert-"));
  await writeTree(join(work, "memory"), { "log.md": LOG });
  const r = await dreamFor(join(work, "proposals"), join(work, "memory"));
  dreamId = r.manifest.dreamId;
  await appendReview(
    join(work, "proposals", dreamId),
    r.manifest.operations.map((o) => ({ at: "t", by: "cli", op: o.id, decision: "accepted" as const })),
  );
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function applied(memory: string, applyId: string) {
  await writeTree(memory, { "log.md": LOG });
  const stateDir = `${memory}-state`;
  const r = await applyProposal({
    proposalsDir: join(work, "proposals"),
    stateDir,
    dreamId,
    memoryDir: memory,
    by: "cli",
    applyId,
    now: new Date(),
  });
  expect(r.results.filter((x) => x.status === "applied")).toHaveLength(4);
  return stateDir;
}

describe("revert (issue 14)", () => {
  it("undoes a whole apply and keeps what the agent wrote since", async () => {
    const memory = join(work, "m1");
    const stateDir = await applied(memory, "apply-1");
    const after = await readFile(join(memory, "log.md"), "utf8");
    await writeFile(join(memory, "log.md"), `${after}- Written by the agent after the apply.\n`);
    const r = await revertApply({
      stateDir,
      memoryDir: memory,
      applyId: "apply-1",
      by: "cli",
      revertId: "revert-1",
      now: new Date(),
    });
    expect(r.results.map((x) => x.status)).toEqual(["applied", "applied", "applied", "applied"]);
    expect(await readFile(join(memory, "log.md"), "utf8")).toBe(
      `${LOG}- Written by the agent after the apply.\n`,
    );
  });

  it("undoes one operation exactly, and a revert is undoable itself", async () => {
    const memory = join(work, "m2");
    const stateDir = await applied(memory, "apply-2");
    const after = await readFile(join(memory, "log.md"), "utf8");
    await revertApply({
      stateDir,
      memoryDir: memory,
      applyId: "apply-2",
      only: ["op-002"],
      by: "cli",
      revertId: "revert-2",
      now: new Date(),
    });
    const one = await readFile(join(memory, "log.md"), "utf8");
    expect(one.match(/Head of Data in Oman/g)).toHaveLength(2);
    expect(one.match(/CTO in Oman/g)).toHaveLength(1);
    // The revert's own undo puts the apply's state back.
    await revertApply({
      stateDir,
      memoryDir: memory,
      applyId: "revert-2",
      by: "cli",
      revertId: "revert-3",
      now: new Date(),
    });
    expect(await readFile(join(memory, "log.md"), "utf8")).toBe(after);
  });

  it("reports as a conflict an operation whose lines the agent changed since", async () => {
    const memory = join(work, "m3");
    const stateDir = await applied(memory, "apply-3");
    const after = await readFile(join(memory, "log.md"), "utf8");
    // The agent rewrote the lines around where the removed copies go back (all four go in at one point).
    const lines = after.split("\n");
    const at = lines.findIndex((l) => l.startsWith("- Director AI"));
    lines[at] = "- Director AI in Oman: 3 jobs (edited)";
    const edited = lines.join("\n");
    await writeFile(join(memory, "log.md"), edited);
    const r = await revertApply({
      stateDir,
      memoryDir: memory,
      applyId: "apply-3",
      by: "cli",
      revertId: "revert-4",
      now: new Date(),
    });
    expect(r.results.map((x) => x.status)).toEqual(["conflict", "conflict", "conflict", "conflict"]);
    expect(r.results[0]?.reason).toMatch(/the lines around it changed since/);
    expect(await readFile(join(memory, "log.md"), "utf8")).toBe(edited);
  });

  it("reverting an apply that created a note removes the note", async () => {
    const memory = join(work, "m4");
    await writeTree(memory, { "keep.md": "# Keep\n" });
    const stateDir = `${memory}-state`;
    const created = ["# Feedback", "", "- Always run the linter before a commit."];
    const { results } = await execute({
      ops: [
        {
          id: "op-001",
          kind: "create",
          targets: ["feedback_lint.md"],
          reason: "said in 3 sessions",
          evidence: [],
          changes: [{ path: "feedback_lint.md", startLine: 1, endLine: 0, before: [], after: created }],
        },
      ],
      read: async () => new Map([["feedback_lint.md", null]]),
      base: () => null,
      memoryDir: memory,
      stateDir,
      applyId: "apply-4",
    });
    expect(results.map((r) => r.status)).toEqual(["applied"]);
    expect(await readFile(join(memory, "feedback_lint.md"), "utf8")).toBe(`${created.join("\n")}\n`);
    await revertApply({
      stateDir,
      memoryDir: memory,
      applyId: "apply-4",
      by: "cli",
      revertId: "revert-5",
      now: new Date(),
    });
    await expect(readFile(join(memory, "feedback_lint.md"), "utf8")).rejects.toThrow(/ENOENT/);
  });
});
