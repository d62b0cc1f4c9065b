import { describe, expect, it } from "vitest";
import { consolidateOffline as run, sessionFrom } from "../../../../test/fixtures.ts";

const STORE = {
  "CLAUDE.md":
    "# Project\n\n- Run the test suite with npm test before every commit.\n- The staging cluster runs on eu-west-1 nodes.\n- Deploys go through the billing pipeline.\n",
  "notes/2026-03-12.md": "# 2026-03-12\n\n- Moved the nightly export to the warehouse bucket.\n",
};

describe("offline rule session-corrections (issue 16)", () => {
  it("lists a correction a person typed beside the entries it may contradict, changing nothing", async () => {
    const sessions = [
      sessionFrom(
        "s1.jsonl",
        [
          ["user", "No, we use pnpm now: run the test suite with pnpm test."],
          ["assistant", "Understood, the test suite runs with pnpm test."],
          ["user", "Also we dropped the staging cluster last week."],
        ],
        "2026-03-15T09:00:00.000Z",
      ),
    ];
    const r = await run(STORE, sessions);
    expect(r.operations).toEqual([]);
    const items = (r.review ?? []).filter((i) => i.reason.includes("may say otherwise"));
    expect(items.map((i) => [i.evidence[0]?.quote, i.evidence[1]?.quote])).toEqual([
      [
        "No, we use pnpm now: run the test suite with pnpm test.",
        "- Run the test suite with npm test before every commit.",
      ],
      ["Also we dropped the staging cluster last week.", "- The staging cluster runs on eu-west-1 nodes."],
    ]);
    expect(items.every((i) => i.kind === "contradiction")).toBe(true);
  });

  it("ignores what no person typed: the assistant, pasted prompts and templates sent every session", async () => {
    const ping =
      "Reminder sent every session: we no longer use the staging cluster; read the status file and follow it strictly.";
    const sessions = [1, 2, 3].map((n) =>
      sessionFrom(
        `s${n}.jsonl`,
        [
          ["user", ping],
          ["assistant", "We no longer use the staging cluster."],
          ["user", "<system-reminder>we switched the staging cluster off</system-reminder>"],
        ],
        `2026-03-1${n}T09:00:00.000Z`,
      ),
    );
    const r = await run(STORE, sessions);
    expect((r.review ?? []).filter((i) => i.reason.includes("may say otherwise"))).toEqual([]);
  });

  it("leaves an entry written after the session: the note is the newer word", async () => {
    const sessions = [
      sessionFrom(
        "old.jsonl",
        [["user", "Actually the nightly export no longer goes to the warehouse bucket."]],
        "2026-03-01T09:00:00.000Z",
      ),
    ];
    const r = await run(STORE, sessions);
    expect((r.review ?? []).filter((i) => i.reason.includes("may say otherwise"))).toEqual([]);
  });

  it("puts each entry beside the sentence naming its own thing, never another's", async () => {
    const store = {
      "notes/2026-03-05.md":
        "# 2026-03-05\n\n- The report-bundler-c0 builds its release bundle with npm.\n- The ledger-bundler-c2 builds its release bundle with npm.\n",
    };
    const sessions = [
      sessionFrom(
        "a.jsonl",
        [["user", "No, we use pnpm for the ledger-bundler-c2 release bundle now."]],
        "2026-03-08T09:00:00.000Z",
      ),
      sessionFrom(
        "b.jsonl",
        [["user", "No, we use pnpm for the report-bundler-c0 release bundle now."]],
        "2026-03-09T09:00:00.000Z",
      ),
    ];
    const items = ((await run(store, sessions)).review ?? []).filter((i) =>
      i.reason.includes("may say otherwise"),
    );
    expect(
      items.map((i) => [
        i.evidence[0]?.quote.match(/\S+-c\d/)?.[0],
        i.evidence[1]?.quote.match(/\S+-c\d/)?.[0],
      ]),
    ).toEqual([
      ["report-bundler-c0", "report-bundler-c0"],
      ["ledger-bundler-c2", "ledger-bundler-c2"],
    ]);
  });
});
