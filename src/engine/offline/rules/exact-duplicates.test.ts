import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule exact-duplicates", () => {
  it("merges exact and normalized duplicates, keeping the topic file's copy; lists a lone pair in one list", async () => {
    const { operations, candidates } = await run({
      "notes/2026-03-02.md": "# 2026-03-02\n\n- **Dana prefers** small PRs with tests and a summary.\n",
      "profile.md":
        "# Profile\n\n- dana prefers small PRs with tests and a summary\n- Dana prefers small PRs with tests and a summary.\n",
    });
    expect(operations).toHaveLength(1);
    const [op] = operations;
    expect(op?.kind).toBe("merge");
    expect(op?.reason).toContain("kept profile.md:3");
    // The daily note's copy is all its date heading holds: the heading goes with it (never left empty).
    expect(op?.changes.map((c) => `${c.path}:${c.startLine}`)).toEqual(["notes/2026-03-02.md:1"]);
    // Two equal items of one list that is not written twice over may be two things of one title: listed.
    expect(
      candidates?.[0]?.evidence.map((e) => (e.source === "memory" ? `${e.path}:${e.line}` : "")),
    ).toEqual(["profile.md:3", "profile.md:4"]);
  });

  it("merges a label or a short item only with its copy in the same file and section (issue 13, class 1)", async () => {
    const { operations } = await run({
      "jobs/acme.md": "# Acme application\n\n- Follow-up: 7 days\n- Status: applied\n",
      "jobs/globex.md": "# Globex application\n\n- Follow-up: 7 days\n- Status: applied\n",
      "wifi.md":
        "## Office\n- Auth: PPSK, WPA2, CCMP\n- Band: 5 GHz\n- Auth: PPSK, WPA2, CCMP\n- Band: 5 GHz\n## Guest\n- Auth: PPSK, WPA2, CCMP\n## Office\n- Auth: PPSK, WPA2, CCMP\n",
      // One heading, two lists: a Title's settings and a Caption's (issue 13's second audit).
      "post.md": "## Settings\n\n**Title:**\n\n- Use prompt: ON\n\n**Caption:**\n\n- Use prompt: ON\n",
    });
    // Only copies in one list written twice over are one fact; a second "## Office" heading is another
    // record.
    expect(operations.flatMap((o) => o.changes.map((c) => `${c.path}:${c.startLine}`)).sort()).toEqual([
      "wifi.md:4",
      "wifi.md:5",
    ]);
  });

  it("keeps the copy in a file the index links, never removes the index's own, removes a daily note's and lists a draft's (issue 13, class 1)", async () => {
    const fact = "- The staging database is rebuilt from the nightly snapshot every Sunday.";
    const { operations, candidates } = await run({
      "MEMORY.md": `# Memory\n\n- [Infra](infra.md) — hosts and databases\n${fact}\n`,
      "infra.md": `# Infra\n\n${fact}\n- Hosts live in eu-west-1.\n`,
      "notes/2026-03-03.md": `# 2026-03-03\n\n${fact}\n\nThen:\n\n- Something else entirely, for later.\n`,
      // Under a named heading of the day, the line is part of a block with a meaning of its own: it stays.
      "notes/2026-03-04.md": `# 2026-03-04\n\n## Domain truth\n${fact}\n- Hosts answer on the new names.\n`,
      // An unlinked draft is a document of its own: it keeps its line, listed beside its twins.
      "drafts.md": `# Drafts\n\n${fact}\n- Another thing, for later.\n`,
    });
    expect(operations).toHaveLength(1);
    expect(operations[0]?.reason).toContain("kept infra.md:3, removed notes/2026-03-03.md:3");
    expect(candidates?.[0]?.reason).toMatch(/^the same entry 4 times, in 4 files \(infra\.md:3, /);
  });

  it("merges none of the shapes issue 13's third audit found wrong: records, blanks, a paragraph further down", async () => {
    const { operations } = await run({
      // Each numbered role has its own list of fields, though no blank line parts them.
      "roles.md":
        "## Top roles\n2) Acme, VP Platform\n- Source credibility: verified-aggregator\n- ATS: 88\n\n3) Acme, Platform Manager\n- Source credibility: verified-aggregator\n- ATS: 82\n",
      // Six rows of one listing, each a post with its fields.
      "labels.md": `### Item labels\n${"- **loser** — 0: watch this\n  - features: hook=one_liner; format=slideshow\n".repeat(3)}`,
      // A post's line in its draft and again in its final cut, further down one section.
      "week.md":
        "### Tuesday\n\nThe ones who wait are stuck on who owns the deployment.\n\nThat is the gap.\n\n**Final post:**\n\nThe ones who wait are stuck on who owns the deployment.\n",
      // A template's blanks.
      "templates/spec.md": "## Inputs\n\n- `[path or URL]`\n- `[path or URL]`\n",
      "notes.md": "## Inputs\n\n- [path or URL]\n- [path or URL]\n- TBD\n- TBD\n",
    });
    expect(operations).toEqual([]);
  });

  it("still merges a line logged twice in one list, and a paragraph pasted twice in a row", async () => {
    const { operations } = await run({
      "log.md":
        "## Run 2026-03-17 06:01\n- Director of Platform in Oman: 0 jobs\n- Head of Platform in Oman: 1 jobs\n- Director of Platform in Oman: 0 jobs\n- Head of Platform in Oman: 1 jobs\n",
      "note.md":
        "# Note\n\nThe staging cluster is rebuilt every Sunday night.\n\nThe staging cluster is rebuilt every Sunday night.\n",
    });
    expect(operations.flatMap((o) => o.changes.map((c) => `${c.path}:${c.startLine}`)).sort()).toEqual([
      "log.md:4",
      "log.md:5",
      "note.md:5",
    ]);
  });

  it("does not merge entries that differ in a number, version or checkbox", async () => {
    const { operations } = await run({
      "a.md":
        "- Deploy v1.2 to staging\n- Deploy v1.3 to staging\n- [ ] ship it\n- [x] ship it\n- port 8080\n- port 8081\n",
    });
    expect(operations).toEqual([]);
  });

  it("merges entries that become equal once their dates are absolute", async () => {
    const { operations } = await run({
      "deploys.md":
        "# Deploys\n\n## 2026-03-04\n- The billing API was deployed to staging on 2026-03-02.\n- The ledger worker was restarted on 2026-03-03.\n- The billing API was deployed to staging 2 days ago.\n- The ledger worker was restarted yesterday.\n",
    });
    expect(operations.map((o) => o.kind)).toEqual(["merge", "merge"]);
  });

  it("never merges one line in two days' logs, two documents or two runs: each is a record of its own", async () => {
    const line = "- Searched the job boards for senior platform roles in Lisbon and Porto.";
    const { operations } = await run({
      "notes/2026-03-03.md": `# 2026-03-03\n\n${line}\n`,
      "notes/2026-03-04.md": `# 2026-03-04\n\n${line}\n`,
      "MEMORY.md": "# Memory\n\n- [Profile](profile.md) — who I am\n",
      "profile.md": "# Profile\n\n- Dana leads the platform team and reviews every infra change.\n",
      "cv/acme.md": "# CV for Acme\n\n- Dana leads the platform team and reviews every infra change.\n",
      "logs/search.md": `# Search log\n\n## Run 09:00\n${line}\n\n## Run 15:00\n${line}\n`,
    });
    expect(operations).toEqual([]);
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

  it("removes a duplicate paragraph with its blank line and leaves code blocks alone", async () => {
    const text = "Intro para.\n\nSame para.\n\nSame para.\n\n```\n- Same para.\n```\n";
    const { operations } = await run({ "a.md": text });
    expect(operations).toHaveLength(1);
    expect(operations[0]?.changes).toEqual([
      { path: "a.md", startLine: 5, endLine: 6, before: ["Same para.", ""], after: [] },
    ]);
  });
});
