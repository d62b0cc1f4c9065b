// A self-written store in the shapes real agent memory has (no copied text), each with its expected
// outcome: a dream leaves every structure whole and rewrites relative dates only in dated prose. The
// harm is counted by bench:real's own parse (bench/real/harm.ts), not by the checks under test.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addHarm, emptyHarm, fileHarm } from "../bench/real/harm.ts";
import { runDream } from "../src/dream/run.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { dreamOptions, writeTree } from "./fixtures.ts";

const DAY = "notes/2026-03-05.md";
const NEXT = "notes/2026-03-06.md";
const FILES: Record<string, string> = {
  "MEMORY.md": ["# Memory", "", `- [Log](${DAY}) — the day's log`, "- [Gone](gone.md) — retired", ""].join(
    "\n",
  ),
  "topic.md": ["---", "date: 2026-01-10", "---", "# Topic", "", "- We deployed the API yesterday.", ""].join(
    "\n",
  ),
  [DAY]: [
    "# 2026-03-05",
    "",
    "## Tables",
    "| service | owner |",
    "| --- | --- |",
    "| billing | Dana |",
    "| billing | Dana |",
    "",
    "## Nested",
    "- Deploy steps:",
    "  - build the image",
    "  - build the image",
    "- We moved the cron yesterday.",
    "",
    "## Lead-in",
    "The checklist before a release:",
    "- run the smoke tests",
    "- tag the release",
    "",
    "## Code",
    "Run `make deploy` tomorrow after the freeze.",
    "",
    "```sh",
    "make deploy tomorrow",
    "make deploy tomorrow",
    "```",
    "",
    "## Tags",
    "<important>",
    "Ask before deleting anything yesterday.",
    "</important>",
    "",
    "## Quotes",
    "> He said yesterday that the queue was full.",
    "",
    "## Keywords",
    "- Triggers: deadline today, outage, paged tomorrow",
    '- The prompt reads "what happened yesterday?"',
    "",
    "## Durations",
    "- We reached 2M users in 9 weeks.",
    "",
  ].join("\n"),
  // No code span, pipe or frontmatter: read without the full parse unless a block may hide in a list item.
  [NEXT]: [
    "# 2026-03-06",
    "",
    "## Quoted in a list",
    "- > The vendor wrote yesterday that the fix shipped.",
    "-     run the backfill tomorrow",
    "",
    "## Spanish lesson",
    "1. Tell her what you ate yesterday.",
    "",
    "## Session 2 (late night)",
    "- Next sync tomorrow at 9.",
    "",
    "## Log",
    "- Assistant: the logs went quiet yesterday.",
    "- Third alert today (one yesterday too).",
    "- Rotated the signing key yesterday.",
    "",
  ].join("\n"),
};

let work: string;
let store: string;
let changed: string[];
const deps = async () => ({ engine: createOfflineEngine(), registry: createFormatRegistry() });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-structure-"));
  await writeTree(join(work, "memory"), FILES);
  const r = await runDream(
    dreamOptions(join(work, "out"), { memoryDir: join(work, "memory"), sessionsDir: "" }),
    await deps(),
  );
  store = join(r.dir, "store");
  changed = r.manifest.output.changed;
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const lines = async (path: string) => (await readFile(join(store, path), "utf8")).split("\n");

describe("a store in the shapes real memory has", () => {
  // A running paragraph is left as written: on real stores they were mostly pasted mail and chat replies.
  it("rewrites the relative dates of the day's own list items, and nothing else in the day's log", async () => {
    const before = (FILES[DAY] ?? "").split("\n");
    const after = await lines(DAY);
    const diff = before.flatMap((l, i) => (after[i] === l ? [] : [[l, after[i]]]));
    expect(diff).toEqual([["- We moved the cron yesterday.", "- We moved the cron on 2026-03-04."]]);
  });

  it("rewrites only the agent's own log of its day: not quotes or code in list items, a lesson, a night, a speaker, a half-dated line", async () => {
    const before = (FILES[NEXT] ?? "").split("\n");
    const after = await lines(NEXT);
    const diff = before.flatMap((l, i) => (after[i] === l ? [] : [[l, after[i]]]));
    expect(diff).toEqual([
      ["- Rotated the signing key yesterday.", "- Rotated the signing key on 2026-03-05."],
    ]);
  });

  it("leaves a frontmatter-dated note alone (the date is the file's, not the line's)", async () => {
    expect((await lines("topic.md")).join("\n")).toBe(FILES["topic.md"]);
  });

  it("prunes the index line whose target is gone and keeps the one whose target exists", async () => {
    expect(await lines("MEMORY.md")).toEqual(["# Memory", "", `- [Log](${DAY}) — the day's log`, ""]);
    expect(changed.sort()).toEqual(["MEMORY.md", DAY, NEXT].sort());
  });

  it("does no structural harm, as bench:real counts it", async () => {
    let harm = emptyHarm();
    for (const path of Object.keys(FILES)) {
      const after = (await lines(path)).join("\n");
      harm = addHarm(
        harm,
        fileHarm(path, FILES[path] ?? "", after, (p) => p in FILES),
      );
    }
    expect(harm).toEqual(emptyHarm());
  });

  it("a second dream over the proposed store proposes nothing", async () => {
    const r = await runDream(
      dreamOptions(join(work, "out2"), { memoryDir: store, sessionsDir: "" }),
      await deps(),
    );
    expect(r.manifest.operations).toEqual([]);
  });
});
