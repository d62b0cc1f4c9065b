import { createHash } from "node:crypto";
import { appendFile, mkdtemp, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dreamFor, writeTree } from "../../test/fixtures.ts";
import { applyProposal } from "./apply.ts";
import { recoverApply } from "./journal.ts";
import { appendReview, readReview } from "./review-log.ts";

const queries = [
  "VP Platform",
  "Head of Data",
  "CTO",
  "Director AI",
  "Chief Data Officer",
  "Head of Infra",
  "VP AI",
];
const run = (where: string) => queries.map((q, i) => `- ${q} in ${where}: ${i} jobs`).join("\n");
// A search log whose run was written twice over: seven lines repeat, seven merges.
const FILES = {
  "log.md": `# Search log\n\n## Run 2026-03-17 06:01\n${run("Oman")}\n${run("Oman")}\n`,
  "notes.md": "# Notes\n\n- Unrelated.\n",
};

let work: string;
let dreamId: string;
const proposals = () => join(work, "proposals");

async function treeHash(root: string): Promise<string> {
  const h = createHash("sha256");
  const visit = async (dir: string) => {
    for (const d of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const abs = join(dir, d.name);
      if (d.isDirectory()) await visit(abs);
      else
        h.update(`${relative(root, abs)}\0`)
          .update(await readFile(abs))
          .update("\0");
    }
  };
  await visit(root);
  return h.digest("hex");
}

async function freshMemory(name: string): Promise<string> {
  const dir = join(work, name);
  await rm(dir, { recursive: true, force: true });
  await writeTree(dir, FILES);
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-apply-"));
  await writeTree(join(work, "memory"), FILES);
  const r = await dreamFor(proposals(), join(work, "memory"));
  dreamId = r.manifest.dreamId;
  expect(r.manifest.refused.map((x) => x.detail)).toEqual([]);
  expect(r.manifest.operations).toHaveLength(7);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const apply = (memoryDir: string, extra: Partial<Parameters<typeof applyProposal>[0]> = {}) =>
  applyProposal({
    proposalsDir: proposals(),
    // Each memory is a deployment of its own, with its own apply log and journal.
    stateDir: `${memoryDir}-state`,
    dreamId,
    memoryDir,
    by: "cli",
    applyId: `a${Math.random().toString(16).slice(2, 10)}`,
    now: new Date("2026-03-21T00:00:00Z"),
    ...extra,
  });

describe("apply (issue 14)", () => {
  it("applies exactly the accepted operations; the review log says who and when", async () => {
    const memory = await freshMemory("partial");
    await appendReview(join(proposals(), dreamId), [
      ...["op-001", "op-002", "op-003"].map((op) => ({
        at: "2026-03-21T00:00:00Z",
        by: "dana",
        op,
        decision: "accepted" as const,
      })),
      { at: "2026-03-21T00:00:01Z", by: "dana", op: "op-004", decision: "rejected", comment: "keep both" },
    ]);
    const r = await apply(memory);
    expect(r.results.filter((x) => x.status === "applied").map((x) => x.op)).toEqual([
      "op-001",
      "op-002",
      "op-003",
    ]);
    expect(r.results.find((x) => x.op === "op-004")?.reason).toBe("rejected");
    const log = await readFile(join(memory, "log.md"), "utf8");
    // Three of the seven second copies are gone, four stay.
    expect(log.split("\n").filter((l) => l.startsWith("- ")).length).toBe(14 - 3);
    expect(
      (await readReview(join(proposals(), dreamId))).map((e) => `${e.by} ${e.op} ${e.decision}`),
    ).toContain("dana op-004 rejected");
    expect(await readFile(join(memory, "notes.md"), "utf8")).toBe(FILES["notes.md"]);
  });

  it("re-anchors lines the agent moved, and reports lines it changed as conflicts; the rest apply", async () => {
    const memory = await freshMemory("stale");
    await appendReview(
      join(proposals(), dreamId),
      ["op-005", "op-006", "op-007"].map((op) => ({
        at: "2026-03-21T00:00:02Z",
        by: "cli",
        op,
        decision: "accepted" as const,
      })),
    );
    // The agent added lines at the top (everything moves) and edited the second copy of two lines.
    const text = FILES["log.md"].replace("# Search log\n", "# Search log\n\nAdded by the agent.\n");
    const lines = text.split("\n");
    const second = (q: string) => lines.lastIndexOf(lines.find((l) => l.startsWith(`- ${q} `)) ?? "");
    for (const q of ["Head of Infra", "VP AI"]) lines[second(q)] = `${lines[second(q)]} (rechecked)`;
    await writeFile(join(memory, "log.md"), lines.join("\n"));
    const r = await apply(memory, { only: ["op-005", "op-006", "op-007"] });
    const byOp = Object.fromEntries(r.results.map((x) => [x.op, x]));
    expect(byOp["op-005"]?.status).toBe("applied");
    expect([byOp["op-006"]?.status, byOp["op-007"]?.status]).toEqual(["conflict", "conflict"]);
    expect(byOp["op-006"]?.reason).toMatch(/changed or is gone since the dream/);
    const after = await readFile(join(memory, "log.md"), "utf8");
    expect(after).toContain("Added by the agent.");
    // op-005 removed the second copy at its new place; the two edited second copies stay, beside their
    // first copies (the content of a duplicate's copies is the same: only position says which goes).
    expect(after.match(/Chief Data Officer in Oman/g)).toHaveLength(1);
    expect(after.match(/Head of Infra in Oman: 5 jobs/g)).toHaveLength(2);
    expect(after.match(/Head of Infra in Oman: 5 jobs \(rechecked\)/g)).toHaveLength(1);
  });

  it("interrupted at any step, recovery leaves memory exactly as before or exactly as after", async () => {
    const accepted = ["op-001", "op-002", "op-003", "op-004", "op-005", "op-006", "op-007"];
    await appendReview(
      join(proposals(), dreamId),
      accepted.map((op) => ({ at: "2026-03-21T00:00:03Z", by: "cli", op, decision: "accepted" as const })),
    );
    const steps: string[] = [];
    const full = await freshMemory("full");
    const pre = await treeHash(full);
    await apply(full, { step: (s) => void steps.push(s) });
    const post = await treeHash(full);
    expect(post).not.toBe(pre);
    expect(steps.length).toBeGreaterThanOrEqual(4);
    for (let k = 0; k < steps.length; k++) {
      const memory = await freshMemory(`crash-${k}`);
      let n = 0;
      await expect(
        apply(memory, {
          step: () => {
            if (n++ === k) throw new Error(`killed at step ${k}`);
          },
        }),
      ).rejects.toThrow(`killed at step ${k}`);
      await recoverApply({ memoryDir: memory, stateDir: `${memory}-state` });
      expect([pre, post]).toContain(await treeHash(memory));
    }
  });

  it("an append that lands between the last check and the rename is kept, never lost, and the apply lands after it", async () => {
    const memory = await freshMemory("append-race");
    let wrote = false;
    const r = await apply(memory, {
      step: async (s) => {
        // Right before the rename: the agent appends to the file dreamd is about to replace.
        if (s === "rename log.md" && !wrote) {
          wrote = true;
          await appendFile(join(memory, "log.md"), "- Appended by the agent mid-apply.\n");
        }
      },
    });
    expect(wrote).toBe(true);
    // The first attempt was rolled back with the append kept; the second planned against it.
    expect(r.changed).toEqual(["log.md"]);
    const after = await readFile(join(memory, "log.md"), "utf8");
    expect(after.endsWith("- Appended by the agent mid-apply.\n")).toBe(true);
    expect(r.results.filter((x) => x.status === "applied").length).toBeGreaterThan(0);
  });

  it("a file the agent changes between the plan and its swap is planned again against what it wrote", async () => {
    const memory = await freshMemory("race");
    let wrote = false;
    const r = await apply(memory, {
      step: async (s) => {
        if (s.startsWith("check ") && !wrote) {
          wrote = true;
          await writeFile(join(memory, "log.md"), `${FILES["log.md"]}- Written by the agent just now.\n`);
        }
      },
    });
    expect(r.changed).toEqual(["log.md"]);
    expect(await readFile(join(memory, "log.md"), "utf8")).toContain("- Written by the agent just now.\n");
  });

  it("an agent that writes the file at every attempt: the whole apply rolls back, each operation a conflict saying why, every write kept", async () => {
    const memory = await freshMemory("race-always");
    const pre = await treeHash(memory);
    let k = 0;
    const r = await apply(memory, {
      step: async (s) => {
        if (s.startsWith("check ")) await appendFile(join(memory, "log.md"), `- Agent write ${++k}.\n`);
      },
    });
    expect(k).toBe(5);
    expect(r.changed).toEqual([]);
    const conflicts = r.results.filter((x) => x.status === "conflict");
    expect(conflicts.length).toBeGreaterThan(0);
    for (const c of conflicts)
      expect(c.reason).toMatch(/kept writing log\.md during the apply; nothing applied/);
    const text = await readFile(join(memory, "log.md"), "utf8");
    expect(text.startsWith(FILES["log.md"])).toBe(true);
    for (let i = 1; i <= 5; i++) expect(text).toContain(`- Agent write ${i}.\n`);
    expect(pre).not.toBe(await treeHash(memory));
  });

  it("an agent writing through a descriptor it opened before the rename: what it writes after is carried over", async () => {
    const memory = await freshMemory("held-fd");
    const fd = await open(join(memory, "log.md"), "a");
    try {
      const r = await apply(memory, {
        graceMs: 50,
        step: async (s) => {
          // After every rename, while dreamd watches: the agent's descriptor still points at the old file.
          if (s === "grace") await fd.write("- Written through a held descriptor.\n");
        },
      });
      expect(r.results.every((x) => x.status === "applied")).toBe(true);
      const text = await readFile(join(memory, "log.md"), "utf8");
      expect(text.endsWith("- Written through a held descriptor.\n")).toBe(true);
      expect(text.split("\n").filter((l) => l.includes("VP Platform"))).toHaveLength(1);
    } finally {
      await fd.close();
    }
  });

  it("a late append saved but not yet appended when dreamd is killed is appended by recovery", async () => {
    const memory = await freshMemory("held-fd-kill");
    const fd = await open(join(memory, "log.md"), "a");
    try {
      await expect(
        apply(memory, {
          graceMs: 1,
          step: async (s) => {
            if (s === "grace") await fd.write("- Late write.\n");
            if (s === "append log.md") throw new Error("killed before the carried append");
          },
        }),
      ).rejects.toThrow("killed before the carried append");
    } finally {
      await fd.close();
    }
    expect(await readFile(join(memory, "log.md"), "utf8")).not.toContain("- Late write.");
    await recoverApply({ memoryDir: memory, stateDir: `${memory}-state` });
    const text = await readFile(join(memory, "log.md"), "utf8");
    expect(text.endsWith("- Late write.\n")).toBe(true);
    expect(text.split("\n").filter((l) => l.includes("VP Platform"))).toHaveLength(1);
  });

  it("an agent that rewrites the old file through a held descriptor keeps its version; those operations are conflicts", async () => {
    const memory = await freshMemory("held-fd-rewrite");
    const fd = await open(join(memory, "log.md"), "r+");
    try {
      const r = await apply(memory, {
        graceMs: 1,
        step: async (s) => {
          if (s === "grace") {
            await fd.truncate(0);
            await fd.write("# Search log\n\nRewritten by the agent.\n", 0);
          }
        },
      });
      expect(await readFile(join(memory, "log.md"), "utf8")).toBe(
        "# Search log\n\nRewritten by the agent.\n",
      );
      expect(r.results.length).toBe(7);
      for (const x of r.results) {
        expect(x.status).toBe("conflict");
        expect(x.reason).toMatch(/rewrote log\.md through a descriptor .* kept in memory/);
      }
    } finally {
      await fd.close();
    }
  });
});
