// A self-written store with a case for each judgement class issue 13 names (no copied text), each with
// its expected outcome, through the whole dream (engine, then the checks). Classes not yet handled are
// named at the end, not faked.
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
  "notes/2026-03-01.md": ["# 2026-03-01", "", FACT, "- Rotated the staging keys.", ""].join("\n"),
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
    // An unlinked draft is a document of its own, and a daily note's copy of a topic fact goes.
    expect(removedFrom("drafts.md")).toEqual([]);
    expect(removedFrom("notes/2026-03-01.md").map((c) => c.before.at(-1))).toEqual([FACT]);
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
    expect(removedFrom("release.md").map((c) => c.before.at(-1))).toEqual([
      "- [ ] File the annual return by 2026-03-01",
    ]);
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

// Not yet handled, so not asserted here (issue 13 stays open): class 7 (a second dream acting on what a
// first dream's rewrite produced, beyond "a second dream proposes nothing" above) and class 8 (whole
// sections and files duplicated as one change; stale claims and contradictions put on the review list).
