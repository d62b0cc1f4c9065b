import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../../test/fixtures.ts";
import { extractSlot } from "./supersede.ts";

describe("extractSlot", () => {
  it("reads common phrasings", () => {
    expect(extractSlot("Deploy region is eu-west-1.")).toEqual({
      subject: "deploy region",
      value: "eu-west-1",
      form: "sentence",
      named: false,
    });
    expect(extractSlot("The package manager is now pnpm")).toEqual({
      subject: "package manager",
      value: "pnpm",
      form: "sentence",
      named: false,
    });
    expect(extractSlot("Test command: `pnpm test`")).toEqual({
      subject: "test command",
      value: "pnpm test",
      form: "label",
      named: false,
    });
    expect(extractSlot("The payments channel moved to #payments-eng.")).toEqual({
      subject: "payments channel",
      value: "#payments-eng",
      form: "sentence",
      named: false,
    });
    expect(extractSlot("The billing-api deploy region is eu-west-1")?.named).toBe(true);
    expect(extractSlot("The Postgres version is 16")?.named).toBe(true);
  });

  it("compares prose that names no subject only within its section (issue 13, audit 2)", async () => {
    const { operations } = await run({
      "posts/2026-06-18.md":
        "# Post\n\nThe board moved again today.\n\nThe interesting part is the clustering.\n\nMore prose here.\n",
      "posts/2026-06-19.md":
        "# Post\n\nAnother board today.\n\nThe interesting part is the disagreement map.\n\nMore prose here.\n",
      // Each day's draft is another draft, not one value changed.
      "drafts/2026-06-15.md": "# Drafts\n\n- The reddit draft is discussion-first.\n",
      "drafts/2026-06-16.md": "# Drafts\n\n- The reddit draft is non-promotional.\n",
    });
    expect(operations).toEqual([]);
  });

  it("ignores long statements, vague subjects, negated values and lists", () => {
    expect(extractSlot("Money is stored as integer cents, never floats.")).toBeNull();
    expect(extractSlot("It is fine.")).toBeNull();
    expect(extractSlot("The build is not green")).toBeNull();
    expect(
      extractSlot(
        "Integration tests need `docker compose up db` first and a clean database every single run",
      ),
    ).toBeNull();
  });
});

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule supersede", () => {
  it("supersedes the older value of a slot: the latest written wins, the old one stays in the manifest", async () => {
    const { operations } = await run({
      "notes/2026-03-02.md": "# 2026-03-02\n- The billing-api deploy region is eu-west-1.\n",
      "notes/2026-03-09.md": "# 2026-03-09\n- The billing-api deploy region is us-east-1.\n",
      "notes/2026-03-05.md": "# 2026-03-05\n- The billing-api deploy region is eu-central-1.\n",
    });
    expect(operations).toHaveLength(1);
    const [op] = operations;
    expect(op?.kind).toBe("supersede");
    expect(op?.evidence[0]).toMatchObject({
      path: "notes/2026-03-09.md",
      quote: "- The billing-api deploy region is us-east-1.",
    });
    // Each retired line is all its date heading holds, so the heading goes with it (never left empty).
    expect(op?.changes.map((c) => [c.path, c.before])).toEqual([
      ["notes/2026-03-02.md", ["# 2026-03-02", "- The billing-api deploy region is eu-west-1."]],
      ["notes/2026-03-05.md", ["# 2026-03-05", "- The billing-api deploy region is eu-central-1."]],
    ]);
  });

  it("never retires a line of another subject, another object, another form or another kind (issue 13, class 4)", async () => {
    const { operations } = await run({
      "notes/2026-03-02.md": [
        "# 2026-03-02",
        "## Office wifi",
        "- Auth: WPA2",
        "## Work item 41",
        "- Commit: 3f2a9c1e",
        "- Added: 0",
        "- The reason is simple.",
        "",
      ].join("\n"),
      "notes/2026-03-09.md": [
        "# 2026-03-09",
        "## Guest wifi",
        "- Auth: open",
        "## Work item 42",
        "- Commit: 9be14d02",
        "- Added: 2026-03-09",
        "- Reason: stale rankings",
        "",
      ].join("\n"),
    });
    expect(operations).toEqual([]);
  });

  it("dates a change by when it was written, never by a file's mtime", async () => {
    const { operations, notes } = await run({
      "infra.md": "# Infra\n- The billing-api deploy region is eu-west-1.\n",
      "notes/2026-03-09.md": "# 2026-03-09\n- The billing-api deploy region is us-east-1.\n",
    });
    expect(operations).toEqual([]);
    expect(notes.join("\n")).toMatch(/"billing-api deploy region" has conflicting values/);
  });

  it("leaves a contradiction without dates for review, both sides quoted", async () => {
    const { operations, notes, review } = await run({ "a.md": "- Owner is Dana\n- Owner is Marco\n" });
    expect(operations).toEqual([]);
    expect(notes[0]).toMatch(/"owner" has conflicting values/);
    expect(review?.map((r) => [r.kind, r.evidence.map((e) => e.quote)])).toEqual([
      ["contradiction", ["- Owner is Dana", "- Owner is Marco"]],
    ]);
  });
});
