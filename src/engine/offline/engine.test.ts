import { describe, expect, it } from "vitest";
import { memoryFrom, sessionFrom } from "../../../test/fixtures.ts";
import type { Session } from "../../transcripts/session.ts";
import type { Candidate, ProposedOperation } from "../engine.ts";
import { createOfflineEngine } from "./engine.ts";

async function run(
  files: Record<string, string>,
  sessions: Session[] = [],
): Promise<{ operations: ProposedOperation[]; notes: string[]; candidates?: Candidate[] }> {
  return createOfflineEngine().consolidate({
    memory: memoryFrom(files),
    sessions,
    now: new Date("2026-03-20T00:00:00Z"),
    signal: new AbortController().signal,
  });
}

describe("offline engine", () => {
  it("merges exact and normalized duplicates, keeping the topic file's copy", async () => {
    const { operations } = await run({
      "notes/2026-03-02.md": "# 2026-03-02\n\n- **Prefers** small PRs with tests.\n",
      "profile.md": "# Profile\n\n- prefers small PRs with tests\n- Prefers small PRs with tests.\n",
    });
    expect(operations).toHaveLength(1);
    const [op] = operations;
    expect(op?.kind).toBe("merge");
    expect(op?.reason).toContain("kept profile.md:3");
    expect(op?.changes.map((c) => `${c.path}:${c.startLine}`)).toEqual([
      "profile.md:4",
      "notes/2026-03-02.md:3",
    ]);
    expect(op?.evidence).toHaveLength(3);
  });

  it("does not merge entries that differ in a number, version or checkbox", async () => {
    const { operations } = await run({
      "a.md":
        "- Deploy v1.2 to staging\n- Deploy v1.3 to staging\n- [ ] ship it\n- [x] ship it\n- port 8080\n- port 8081\n",
    });
    expect(operations).toEqual([]);
  });

  it("rewrites relative dates before comparing, so the same words on different days stay apart", async () => {
    const { operations } = await run({
      "notes/2026-03-03.md": "# 2026-03-03\n\n- Deployed to staging yesterday.\n",
      "notes/2026-03-04.md": "# 2026-03-04\n\n- Deployed to staging yesterday.\n",
    });
    expect(operations.map((o) => o.kind)).toEqual(["normalize", "normalize"]);
    expect(operations.map((o) => o.changes[0]?.after)).toEqual([
      ["- Deployed to staging on 2026-03-02."],
      ["- Deployed to staging on 2026-03-03."],
    ]);
  });

  it("merges entries that become equal once their dates are absolute", async () => {
    const { operations } = await run({
      "notes/2026-03-03.md": "# 2026-03-03\n\n- Deployed to staging on 2026-03-02.\n",
      "notes/2026-03-04.md": "# 2026-03-04\n\n- Deployed to staging 2 days ago.\n",
    });
    expect(operations.map((o) => o.kind)).toEqual(["merge"]);
  });

  it("uses the most specific write date: inline stamp, heading, filename, frontmatter", async () => {
    const { operations } = await run({
      "log.md":
        "---\ndate: 2026-01-10\n---\n- met Dana yesterday\n\n## 2026-02-01\n- met Dana yesterday\n- 2026-02-05: met Dana yesterday\n",
    });
    expect(operations.flatMap((o) => o.changes.map((c) => c.after[0]))).toEqual([
      "- met Dana on 2026-01-09",
      "- met Dana on 2026-01-31",
      "- 2026-02-05: met Dana on 2026-02-04",
    ]);
  });

  it("leaves a relative date alone when the note has no date, and says so", async () => {
    const { operations, notes } = await run({ "infra.md": "- The channel moved last week.\n" });
    expect(operations).toEqual([]);
    expect(notes).toEqual(["infra.md:1: relative date left as written (no date for this note)"]);
  });

  it("never merges what only looks alike: code under items, loose lists, short items in other sections, steps, identifiers", async () => {
    const { operations } = await run({
      "a.md": [
        "- Run this before the deploy:",
        "```",
        "make migrate",
        "```",
        "- Run this before the deploy:",
        "```",
        "make rollback",
        "```",
        "",
        "- Project A",
        "",
        "  - status: done and shipped",
        "",
        "- Project B",
        "",
        "  - status: done and shipped",
        "",
        "## Blockers",
        "- None",
        "## Risks",
        "- None",
        "",
        "1. Apply the schema migration first",
        "2. Apply the schema migration first",
        "",
        "Overview",
        "--------",
        "",
        "Overview",
        "--------",
        "",
        "- The token variable is GITHUB_TOKEN",
        "- the token variable is github_token",
      ].join("\n"),
    });
    expect(operations).toEqual([]);
  });

  it("dates entries only from headings that are dates", async () => {
    const { operations } = await run({
      "notes/2026-03-05.md": "## Review of the 2024-01-01 incident\n- We fixed it yesterday.\n",
    });
    expect(operations[0]?.changes[0]?.after).toEqual(["- We fixed it on 2026-03-04."]);
  });

  it("removes a duplicate paragraph with its blank line and leaves code blocks alone", async () => {
    const text = "Intro para.\n\nSame para.\n\nSame para.\n\n```\n- Same para.\n```\n";
    const { operations } = await run({ "a.md": text });
    expect(operations).toHaveLength(1);
    expect(operations[0]?.changes).toEqual([
      { path: "a.md", startLine: 5, endLine: 6, before: ["Same para.", ""], after: [] },
    ]);
  });
});

describe("offline engine: near-duplicates, contradictions, patterns", () => {
  it("merges a near-duplicate and a contained wording into the most informative entry", async () => {
    const { operations } = await run({
      "pets.md":
        "- Rex is a 3-year-old golden retriever who loves the beach\n- Rex is a golden retriever who loves the beach\n",
      "prefs.md":
        "- Prefers small pull requests with a short summary and a test plan\n- Prefers small pull requests with a summary and a test plan\n",
    });
    expect(operations.map((o) => o.kind)).toEqual(["merge", "merge"]);
    const removedLines = operations.flatMap((o) => o.changes.map((c) => c.before[0])).sort();
    expect(removedLines).toEqual([
      "- Prefers small pull requests with a summary and a test plan",
      "- Rex is a golden retriever who loves the beach",
    ]);
  });

  it("never merges hard negatives that differ in one number, id, version or date", async () => {
    const { operations } = await run({
      "a.md": [
        "- Deploy billing-api v2.3.1 to the staging cluster before the review",
        "- Deploy billing-api v2.3.2 to the staging cluster before the review",
        "- Ticket BILL-482 covers the rounding of invoice totals per line",
        "- Ticket BILL-483 covers the rounding of invoice totals per line",
        "- The quarterly report for finance is due on 2026-03-14 this year",
        "- The quarterly report for finance is due on 2026-06-14 this year",
      ].join("\n"),
    });
    expect(operations).toEqual([]);
  });

  it("never merges a swap of opposites, alternatives or unknown names, however alike the rest", async () => {
    const pairs = [
      ["Run the database migrations before deploying the billing api to production servers.", "after"],
      ["The search worker exports its nightly report to the shared finance bucket every night.", "imports"],
      ["Rex the family dog sleeps in the kitchen basket next to the back door.", "cat"],
      ["The weekly sync with the platform team happens on monday mornings in room four.", "tuesday"],
      ["Enable verbose request logging on the staging gateway when debugging auth issues.", "Disable"],
      ["The ledger service uses pnpm workspaces for installs across the whole monorepo.", "yarn"],
    ] as const;
    const swap: Record<string, string> = {
      after: "before",
      imports: "exports",
      cat: "dog",
      tuesday: "monday",
      Disable: "Enable",
      yarn: "pnpm",
    };
    const lines = pairs.flatMap(([text, other]) => [
      `- ${text}`,
      `- ${text.replace(swap[other] ?? "", other)}`,
    ]);
    expect(new Set(lines).size).toBe(12);
    const { operations } = await run({ "a.md": `${lines.join("\n")}\n` });
    expect(operations).toEqual([]);
  });

  it("still merges a change of wording that keeps the fact", async () => {
    const { operations } = await run({
      "a.md":
        "- The search worker exports its nightly report to the shared finance bucket.\n- The search worker exports its nightly report to the team finance bucket.\n",
    });
    expect(operations.map((o) => o.kind)).toEqual(["merge"]);
  });

  it("lists, and never merges, one subject in other words; leaves two facts about it alone", async () => {
    const { operations, candidates } = await run({
      "services.md":
        "- The ledger-sync exports its nightly report to the shared finance bucket.\n- The ledger-sync retries failed jobs 3 times before paging Dana.\n",
      "notes/2026-03-02.md":
        "# 2026-03-02\n\n- Every night ledger-sync ships the report it produces into the accounting team's storage.\n",
    });
    expect(operations).toEqual([]);
    expect(candidates).toHaveLength(1);
    expect(
      candidates?.[0]?.evidence.map((e) => (e.source === "memory" ? `${e.path}:${e.line}` : "")),
    ).toEqual(["notes/2026-03-02.md:3", "services.md:1"]);
    expect(candidates?.[0]?.reason).toContain('same subject ("ledger-sync")');
  });

  it("supersedes the older value of a slot: the latest written wins, the old one stays in the manifest", async () => {
    const { operations } = await run({
      "notes/2026-03-02.md": "# 2026-03-02\n- Deploy region is eu-west-1.\n",
      "notes/2026-03-09.md": "# 2026-03-09\n- Deploy region is us-east-1.\n",
      "notes/2026-03-05.md": "# 2026-03-05\n- Deploy region is eu-central-1.\n",
    });
    expect(operations).toHaveLength(1);
    const [op] = operations;
    expect(op?.kind).toBe("supersede");
    expect(op?.evidence[0]).toMatchObject({
      path: "notes/2026-03-09.md",
      quote: "- Deploy region is us-east-1.",
    });
    expect(op?.changes.map((c) => [c.path, c.before])).toEqual([
      ["notes/2026-03-02.md", ["- Deploy region is eu-west-1."]],
      ["notes/2026-03-05.md", ["- Deploy region is eu-central-1."]],
    ]);
  });

  it("leaves a contradiction without dates for review", async () => {
    const { operations, notes } = await run({ "a.md": "- Owner is Dana\n- Owner is Marco\n" });
    expect(operations).toEqual([]);
    expect(notes[0]).toMatch(/"owner" has conflicting values/);
  });

  it("turns an instruction repeated in 3 sessions into a feedback note, not one seen twice", async () => {
    const s = (id: string, text: string) =>
      sessionFrom(id, [
        ["user", text],
        ["assistant", "ok"],
      ]);
    const sessions = [
      s("a.jsonl", "Please never squash merge the release branches."),
      s("b.jsonl", "Again: never squash merge release branches!"),
      s("c.jsonl", "Reminder, never squash merge the release branches please."),
      s("d.jsonl", "Use tabs in the Makefile."),
      s("e.jsonl", "Use tabs in the Makefile, remember."),
    ];
    const { operations } = await run(
      { "MEMORY.md": "# Memory\n- [Prefs](prefs.md)\n", "prefs.md": "- Prefers dark mode\n" },
      sessions,
    );
    expect(operations.map((o) => o.kind)).toEqual(["create"]);
    const [op] = operations;
    expect(op?.targets).toEqual(["feedback_never_squash_merge_release.md", "MEMORY.md"]);
    expect(new Set(op?.evidence.map((e) => (e.source === "session" ? e.session : "")))).toEqual(
      new Set(["a.jsonl", "b.jsonl", "c.jsonl"]),
    );
    expect(op?.changes[1]).toMatchObject({ path: "MEMORY.md", startLine: 3, endLine: 2, before: [] });
  });

  it("does not write a pattern the memory already holds", async () => {
    const s = (id: string) => sessionFrom(id, [["user", "Never squash merge the release branches."]]);
    const { operations } = await run({ "prefs.md": "- Never squash merge release branches\n" }, [
      s("a"),
      s("b"),
      s("c"),
    ]);
    expect(operations).toEqual([]);
  });
});

describe("offline engine: stale TODOs", () => {
  it("prunes an open TODO a later session closes, citing the session, and keeps one nobody closed", async () => {
    const sessions = [
      sessionFrom(
        "later.jsonl",
        [["user", "The billing signing keys are rotated, that TODO is done."]],
        "2026-03-10T09:00:00.000Z",
      ),
    ];
    const { operations } = await run(
      {
        "notes/2026-03-02.md":
          "# 2026-03-02\n- [ ] Rotate the billing signing keys\n- [ ] Rotate the search signing keys\n",
      },
      sessions,
    );
    expect(operations.map((o) => o.kind)).toEqual(["prune"]);
    expect(operations[0]?.changes[0]?.before).toEqual(["- [ ] Rotate the billing signing keys"]);
    expect(operations[0]?.evidence[0]).toMatchObject({ source: "session", session: "later.jsonl" });
  });

  it("does not prune on a session older than the TODO", async () => {
    const sessions = [
      sessionFrom("old.jsonl", [["user", "Billing signing keys rotated: done."]], "2026-02-01T09:00:00.000Z"),
    ];
    const { operations } = await run(
      { "notes/2026-03-02.md": "# 2026-03-02\n- [ ] Rotate the billing signing keys\n" },
      sessions,
    );
    expect(operations).toEqual([]);
  });
});

describe("offline engine: index maintenance", () => {
  it("removes index lines that link to files missing from the store, and only those", async () => {
    const { operations } = await run({
      "MEMORY.md":
        "# Memory\n- [Prefs](prefs.md) — preferences\n- [Gone](old/gone.md) — removed topic\n- [Docs](https://example.com/x.md)\n",
      "prefs.md": "- Prefers dark mode in every editor\n",
    });
    expect(operations.map((o) => [o.kind, o.changes[0]?.before[0]])).toEqual([
      ["prune", "- [Gone](old/gone.md) — removed topic"],
    ]);
  });
});

describe("offline engine: index limits", () => {
  it("does not grow MEMORY.md past 200 lines", async () => {
    const s = (id: string) => sessionFrom(id, [["user", "Never squash merge the release branches."]]);
    const index = `# Memory\n${Array.from({ length: 199 }, (_, i) => `- [T${i}](t${i}.md) — topic ${i}`).join("\n")}\n`;
    const files: Record<string, string> = { "MEMORY.md": index };
    for (let i = 0; i < 199; i++) files[`t${i}.md`] = `- topic number ${i} holds notes\n`;
    const { operations } = await run(files, [s("a"), s("b"), s("c")]);
    const create = operations.find((o) => o.kind === "create");
    expect(create?.targets).toEqual(["feedback_never_squash_merge_release.md"]);
    expect(create?.reason).toMatch(/200-line/);
  });
});

describe("offline engine: expired deadlines", () => {
  it("prunes a deadline more than a week past, keeps recent and future ones", async () => {
    const { operations } = await run({
      "todo.md":
        "- The Q1 VAT report is due on 2026-03-01\n- The Q2 VAT report is due on 2026-03-15\n- The Q3 VAT report is due on 2026-09-30\n",
    });
    expect(operations.map((o) => [o.kind, o.changes[0]?.before[0]])).toEqual([
      ["prune", "- The Q1 VAT report is due on 2026-03-01"],
    ]);
  });
});

describe("offline engine: references a later session says are gone", () => {
  it("prunes entries about the removed thing, keeps passing mentions and other things", async () => {
    const sessions = [
      sessionFrom(
        "s.jsonl",
        [["user", "FYI the billing-cron was decommissioned last sprint."]],
        "2026-03-10T09:00:00.000Z",
      ),
    ];
    const { operations } = await run(
      {
        "notes/2026-03-02.md": [
          "# 2026-03-02",
          "- The billing-cron runs at 02:00 and retries three times",
          "- billing-cron alerts go to the payments channel",
          "- The invoice-worker replaced parts of what billing-cron did",
          "- The search-cron runs at 03:00 every night",
        ].join("\n"),
      },
      sessions,
    );
    expect(operations.map((o) => o.changes[0]?.before[0])).toEqual([
      "- The billing-cron runs at 02:00 and retries three times",
      "- billing-cron alerts go to the payments channel",
    ]);
    expect(operations.every((o) => o.kind === "prune" && o.evidence[0]?.source === "session")).toBe(true);
  });
});
