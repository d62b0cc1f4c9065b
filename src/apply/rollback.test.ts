import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dreamFor, hashTree, writeTree } from "../../test/fixtures.ts";
import { stateDirOf } from "../state/state.ts";
import { applyCommand } from "./commands.ts";
import { rollback } from "./rollback.ts";

const run = ["alpha", "beta", "gamma"].map((w) => `- ${w} checked`).join("\n");
let work: string;
let dreamId: string;
const proposals = () => join(work, "proposals");
const memory = () => join(work, "memory");

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-rollback-"));
  await writeTree(memory(), {
    "log.md": `# Log\n\n## Run 2026-03-17 06:01\n${run}\n${run}\n`,
    "keep.md": "# Keep\n\n- untouched\n",
  });
  const r = await dreamFor(proposals(), memory());
  dreamId = r.manifest.dreamId;
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("rollback (issue 14)", () => {
  it("restores the tree before an apply byte for byte; refuses to discard the agent's later writes without force", async () => {
    const before = await hashTree(memory());
    const { snapshot } = await applyCommand({
      proposalsDir: proposals(),
      snapshotsDir: join(proposals(), "snapshots"),
      memoryDir: memory(),
      dreamId,
      accept: "all",
      now: new Date("2026-03-21T00:00:00Z"),
    });
    const applied = await hashTree(memory());
    expect(applied).not.toEqual(before);
    const args = {
      archive: snapshot,
      memoryDir: memory(),
      stateDir: stateDirOf(proposals()),
      by: "cli",
      now: new Date("2026-03-22T00:00:00Z"),
    };
    // The agent writes a new note after the apply.
    await writeFile(join(memory(), "new.md"), "# New\n\n- written by the agent\n");
    const dry = await rollback({ ...args, rollbackId: "rb-0", dryRun: true });
    expect(dry.preview).toEqual({
      added: ["new.md"],
      removed: [],
      changed: ["log.md"],
      agentWrites: ["new.md"],
    });
    await expect(rollback({ ...args, rollbackId: "rb-1" })).rejects.toThrow(
      /would discard what the agent wrote since the snapshot \(new\.md\)/,
    );
    expect(Object.keys(await hashTree(memory()))).toContain("new.md");
    const withNew = await hashTree(memory());
    const done = await rollback({
      ...args,
      rollbackId: "rb-2",
      force: true,
      snapshotsDir: join(proposals(), "snapshots"),
    });
    expect(done.record?.changed.sort()).toEqual(["log.md", "new.md"]);
    expect(await hashTree(memory())).toEqual(before);
    // A rollback is undone by rolling back to the snapshot it took first.
    if (!done.undo) throw new Error("no undo snapshot");
    await rollback({ ...args, archive: done.undo, rollbackId: "rb-3", force: true });
    expect(await hashTree(memory())).toEqual(withNew);
  });
});
