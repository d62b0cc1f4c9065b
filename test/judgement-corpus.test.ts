// A self-written store with a case for each judgement class issue 13 names (no copied text), each with
// its expected outcome, through the whole dream (engine, then the checks): classes 1 to 8.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDream } from "../src/dream/run.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import type { Manifest } from "../src/manifest.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { dreamOptions, writeTree } from "./fixtures.ts";

const FACT = "- The staging database is rebuilt from the nightly snapshot every Sunday.";
const FILES: Record<string, string> = {
  "MEMORY.md": ["# Memory", "", "- [Infra](infra.md) — hosts and databases", FACT, ""].join("\n"),
  // Class 1: a sentence naming its subject merges across files, keeping the linked topic file's copy and
  // never the index's line; labels and short items take their subject from their heading path.
  "infra.md": ["# Infra", "", FACT, "- Auth: PPSK, WPA2, CCMP", ""].join("\n"),
  "drafts.md": ["# Drafts", "", FACT, "", "## Guest wifi", "- Auth: PPSK, WPA2, CCMP", ""].join("\n"),
  "notes/2026-03-01.md": ["# 2026-03-01", "", FACT, "", "## Keys", "- Rotated the staging keys.", ""].join(
    "\n",
  ),
  "jobs/acme.md": ["# Acme application", "", "- Follow-up: 7 days", ""].join("\n"),
  "jobs/globex.md": ["# Globex application", "", "- Follow-up: 7 days", ""].join("\n"),
  // Class 2: a shorter wording contained in a longer one is listed, not merged.
  "pets.md": [
    "# Pets",
    "",
    "- Rex the golden retriever sleeps in the kitchen basket every night.",
    "",
    "## Walks",
    "- Rex the golden retriever sleeps in the kitchen basket.",
    "",
  ].join("\n"),
  // Class 3: the roles swap places.
  "format.md": [
    "# Transcript format",
    "",
    "- The user message has a parentUuid pointing to the previous assistant message.",
    "- The assistant message has a parentUuid pointing to the previous user message.",
    "",
  ].join("\n"),
  // Classes 4 and 5: ids of different objects, prose against a label, a count against a date, no date.
  "notes/2026-03-02.md": [
    "# 2026-03-02",
    "## Work item 41",
    "- Commit: 3f2a9c1e",
    "- Added: 0",
    "- The reason is simple.",
    "",
  ].join("\n"),
  "notes/2026-03-09.md": [
    "# 2026-03-09",
    "## Work item 42",
    "- Commit: 9be14d02",
    "- Added: 2026-03-09",
    "- Reason: stale rankings",
    "- The billing-api deploy region is us-east-1.",
    "",
  ].join("\n"),
  "regions.md": ["# Regions", "", "- The billing-api deploy region is eu-west-1.", ""].join("\n"),
  // Class 6: live text with a passed date.
  "release.md": [
    "# Release",
    "",
    "- Verify with `check-filing --submit-by 2026-03-01` before each release.",
    "- Publishing is blocked until 2026-03-01 and the evidence is captured.",
    "- [ ] File the annual return by 2026-03-01",
    "",
  ].join("\n"),
};

let work: string;
let manifest: Manifest;
const deps = async () => ({ engine: createOfflineEngine(), registry: createFormatRegistry() });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-judgement-"));
  await writeTree(join(work, "memory"), FILES);
  const r = await runDream(
    dreamOptions(join(work, "out"), {
      memoryDir: join(work, "memory"),
      sessionsDir: "",
      now: new Date("2026-04-01T00:00:00Z"),
    }),
    await deps(),
  );
  manifest = r.manifest;
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const removedFrom = (path: string) =>
  manifest.operations.flatMap((o) => o.changes.filter((c) => c.path === path && c.after.length === 0));

describe("judgement on a store in the shapes real memory has (issue 13)", () => {
  it("class 1: keeps the linked topic file's copy, never removes the index's line, and merges no label across subjects", () => {
    expect(removedFrom("MEMORY.md")).toEqual([]);
    expect(removedFrom("infra.md")).toEqual([]);
    // An unlinked draft is a document of its own (its copy is listed), and a daily note's copy of a topic
    // fact goes.
    expect(removedFrom("drafts.md")).toEqual([]);
    expect(removedFrom("notes/2026-03-01.md").map((c) => c.before.at(-1))).toEqual([FACT]);
    expect(manifest.candidates?.some((c) => c.reason.startsWith("the same entry 3 times, in 3 files"))).toBe(
      true,
    );
    expect(removedFrom("jobs/acme.md")).toEqual([]);
    expect(removedFrom("jobs/globex.md")).toEqual([]);
  });

  it("class 2: lists a contained wording as a possible duplicate and merges nothing", () => {
    expect(removedFrom("pets.md")).toEqual([]);
    expect(
      manifest.candidates?.some((c) =>
        c.evidence.every((e) => e.source === "memory" && e.path === "pets.md"),
      ),
    ).toBe(true);
  });

  it("classes 3 to 6: no merge of swapped roles, no supersede across objects, forms, kinds or undated, no prune of live text", () => {
    for (const path of ["format.md", "notes/2026-03-02.md", "notes/2026-03-09.md", "regions.md"]) {
      expect(removedFrom(path)).toEqual([]);
    }
    // A passed deadline is listed, never pruned: it does not say the return was filed.
    expect(removedFrom("release.md")).toEqual([]);
    expect(
      manifest.review?.filter((r) =>
        r.evidence.some((e) => e.source === "memory" && e.path === "release.md"),
      ),
    ).toEqual([expect.objectContaining({ kind: "stale" })]);
    expect(manifest.notes.join("\n")).toMatch(/"billing-api deploy region" has conflicting values/);
    // Found, not decidable: listed with both sides quoted, in the manifest and the report.
    expect(
      manifest.review?.map((r) => r.evidence.map((e) => (e.source === "memory" ? e.path : ""))),
    ).toContainEqual(["notes/2026-03-09.md", "regions.md"]);
  });

  it("says which rule proposed each operation, and how sure code is", () => {
    expect(manifest.operations.every((o) => o.rule && o.confidence)).toBe(true);
  });

  it("changes nothing in a second dream", async () => {
    const store = join(work, "out", manifest.dreamId, "store");
    const r = await runDream(
      dreamOptions(join(work, "out2"), {
        memoryDir: store,
        sessionsDir: "",
        now: new Date("2026-04-01T00:00:00Z"),
      }),
      await deps(),
    );
    expect(r.manifest.operations).toEqual([]);
    expect((await readFile(join(store, "MEMORY.md"), "utf8")).split("\n")).toContain(FACT);
  });
});

// Class 7: errors compound. A first dream makes "tomorrow" absolute; the owner copies store/ over the
// memory; a later dream would remove the line the first dream wrote. It may not: a dream never builds on
// another's unreviewed change.
describe("class 7: a dream never builds on what an earlier dream wrote (issue 13)", () => {
  it("keeps a line the first dream rewrote, where a later dream would merge it away", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dreamd-class7-"));
    try {
      const files = {
        "notes/2026-03-10.md":
          "# 2026-03-10\n\n- The grant report for the city council is due tomorrow.\n- Met the funder.\n",
        // Enough other entries that two removals stay within the deletion budget (25%).
        "people.md": `# People\n\n${["Ana", "Ben", "Cy", "Dee", "Eli", "Fay"].map((n) => `- ${n} reviews the council grant drafts on Fridays.`).join("\n")}\n`,
      };
      await writeTree(join(dir, "memory"), files);
      const opts = (out: string, now: string) =>
        dreamOptions(join(dir, out), { memoryDir: join(dir, "memory"), sessionsDir: "", now: new Date(now) });
      const first = await runDream(opts("proposals", "2026-03-10T18:00:00Z"), await deps());
      expect(first.manifest.operations.map((o) => o.kind)).toEqual(["normalize"]);
      const rewritten = await readFile(join(first.dir, "store", "notes/2026-03-10.md"), "utf8");
      expect(rewritten).toContain("due on 2026-03-11");
      // The owner copies store/ over the memory; the agent then logs the same line again in that list.
      const again = rewritten.replace(
        "- Met the funder.",
        "- Met the funder.\n- The grant report for the city council is due on 2026-03-11.\n- Met the funder.",
      );
      await writeTree(join(dir, "memory"), { "notes/2026-03-10.md": again });
      const grant = (m: Manifest) =>
        m.operations.filter((o) => o.changes.some((c) => c.before.some((l) => l.includes("grant report"))));
      const second = await runDream(opts("proposals", "2026-03-12T00:00:00Z"), await deps());
      expect(grant(second.manifest)).toEqual([]);
      // Without the earlier proposal to read, the line the first dream wrote is merged away: the hold is
      // the cause.
      const alone = await runDream(opts("elsewhere", "2026-03-12T00:00:00Z"), await deps());
      expect(grant(alone.manifest).map((o) => o.rule)).toEqual(["exact-duplicates"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Class 8: what was missed is found, as one operation or on the review list.
describe("class 8: blocks, stale claims and contradictions are found (issue 13)", () => {
  const steps = "- restart the ingest worker\n- drain the dead-letter queue\n- page the data on-call\n";
  const prompt =
    "## System prompt\nYou are the ops agent for the billing team.\nAnswer in short steps.\nNever run migrations.\n";
  const files: Record<string, string> = {
    // A section written twice under one heading: one merge-block, not a removal per line.
    "runbook.md": `# Runbook\n\n## Incident 2026-03-04 14:00\n${steps}\n## Incident 2026-03-04 14:00\n${steps}`,
    // A block pasted into every session dump: one finding on the review list, nothing trimmed.
    ...Object.fromEntries(
      [1, 2, 3, 4].map((d) => [
        `dumps/2026-03-0${d}.md`,
        `# Session 2026-03-0${d}\n\n${prompt}\n## Notes\n- Worked on ticket ${d}0${d}.\n`,
      ]),
    ),
    // A stale claim beside the later entry saying it never happened.
    "MEMORY.md":
      "# Memory\n\n- [Plan](plan.md) — phases\n- [Indexer](indexer.md) — code index\n- The code indexer covers 32+ files of the billing repository.\n",
    "plan.md": "# Plan\n\n## 2026-03-02\n- Phase 0 of the ledger rewrite starts tomorrow.\n",
    "notes/2026-03-15.md":
      "# 2026-03-15\n\n- Phase 0 of the ledger rewrite never happened, still NOT STARTED.\n",
    // Contradictions: a count in two files, a feature available in one and planned in another.
    "indexer.md":
      "# Indexer\n\n- The code indexer covers 20+ files of the billing repository.\n- The PDF export of monthly statements is available for every account.\n",
    "roadmap.md": "# Roadmap\n\n- The PDF export of monthly statements is planned for every account.\n",
  };
  let m: Manifest;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dreamd-class8-"));
    await writeTree(join(dir, "memory"), files);
    m = (
      await runDream(
        dreamOptions(join(dir, "out"), {
          memoryDir: join(dir, "memory"),
          sessionsDir: "",
          now: new Date("2026-03-20T00:00:00Z"),
        }),
        await deps(),
      )
    ).manifest;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("a section written twice under one heading is one merge-block, and no line of the pasted dumps goes", () => {
    const blocks = m.operations.filter((o) => o.kind === "merge-block");
    expect(
      blocks.map((o) => [o.confidence, o.changes.map((c) => `${c.path}:${c.startLine}-${c.endLine}`)]),
    ).toEqual([["certain", ["runbook.md:7-11"]]]);
    expect(m.operations.filter((o) => o.kind !== "merge-block" && o.kind !== "normalize")).toEqual([]);
    const dup = m.review?.filter((r) => r.kind === "duplicate") ?? [];
    expect(dup).toHaveLength(1);
    expect(dup[0]?.reason).toMatch(/"## System prompt" \(5 lines\) is in 4 places/);
  });

  it("a stale plan is listed beside the entry saying it never happened, and contradictions with both sides", () => {
    const listed = (kind: string) =>
      (m.review ?? [])
        .filter((r) => r.kind === kind)
        .map((r) => r.evidence.map((e) => (e.source === "memory" ? e.path : "")).sort());
    expect(listed("stale")).toEqual([["notes/2026-03-15.md", "plan.md"]]);
    expect(listed("contradiction")).toEqual([
      ["MEMORY.md", "indexer.md"],
      ["indexer.md", "roadmap.md"],
    ]);
  });
});
