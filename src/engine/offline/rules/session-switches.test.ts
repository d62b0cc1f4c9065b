import { describe, expect, it } from "vitest";
import { consolidateOffline as run, sessionFrom } from "../../../../test/fixtures.ts";
import { switchIn } from "./session-switches.ts";

const STORE = {
  "notes/2026-03-05.md":
    "# 2026-03-05\n\n## Tooling\n\n- Package manager: npm\n- CI runs on Jenkins.\n- Editor: `vim`\n",
};
const said = (text: string, at = "2026-03-12T09:00:00.000Z", id = "s1.jsonl") =>
  sessionFrom(id, [["user", text]], at);
const switches = async (store: Record<string, string>, ...sessions: ReturnType<typeof said>[]) =>
  (await run(store, sessions)).operations.filter((o) => o.rule === "session-switches");

describe("switchIn", () => {
  it("reads a sentence that is nothing but a switch naming both sides", () => {
    expect(switchIn("No, we switched from npm to pnpm.")).toEqual({ from: "npm", to: "pnpm" });
    expect(switchIn("we've moved from Jenkins to GitHub Actions now")).toEqual({
      from: "Jenkins",
      to: "GitHub Actions",
    });
    expect(switchIn("Use `podman` instead of `docker`.")).toEqual({ from: "docker", to: "podman" });
    expect(switchIn("Actually, it's Postgres 16 now, not Postgres 15.")).toEqual({
      from: "Postgres 15",
      to: "Postgres 16",
    });
    expect(switchIn("Jenkins was replaced by Buildkite.")).toEqual({ from: "Jenkins", to: "Buildkite" });
    expect(switchIn("We replaced yarn with pnpm")).toEqual({ from: "yarn", to: "pnpm" });
  });

  it("reads nothing into a question, a plan, a qualifier or a pointer", () => {
    for (const s of [
      "Should we switch from npm to pnpm?",
      "We switched from npm to pnpm for the test suite.",
      "We might move from Jenkins to Buildkite next quarter.",
      "We haven't switched from npm to pnpm yet.",
      "We switched from that to this.",
      "I moved from the old one to the new one.",
      "we switched from npm to npm",
      "Use pnpm instead of npm in the docs, except the legacy package.",
    ])
      expect(switchIn(s), s).toBeNull();
  });
});

describe("offline rule session-switches (issue 16)", () => {
  it("supersedes the one entry whose whole value the session switched, citing the session", async () => {
    const ops = await switches(STORE, said("No, we switched from npm to pnpm."));
    expect(ops).toHaveLength(1);
    const [op] = ops;
    expect(op?.kind).toBe("supersede");
    expect(op?.changes).toEqual([
      {
        path: "notes/2026-03-05.md",
        startLine: 5,
        endLine: 5,
        before: ["- Package manager: npm"],
        after: ["- Package manager: pnpm"],
      },
    ]);
    expect(op?.evidence).toEqual([
      { source: "session", session: "s1.jsonl", index: 0, quote: "No, we switched from npm to pnpm." },
      { source: "memory", path: "notes/2026-03-05.md", line: 5, quote: "- Package manager: npm" },
    ]);
    // Inside backticks the value is replaced and the backticks stay.
    const [editor] = await switches(STORE, said("Use nvim instead of vim."));
    expect(editor?.changes[0]?.after).toEqual(["- Editor: `nvim`"]);
  });

  it("changes nothing when the session is not known to come after the entry", async () => {
    expect(await switches(STORE, said("We switched from npm to pnpm.", "2026-03-01T09:00:00.000Z"))).toEqual(
      [],
    );
    // The same day proves nothing either.
    expect(await switches(STORE, said("We switched from npm to pnpm.", "2026-03-05T18:00:00.000Z"))).toEqual(
      [],
    );
  });

  it("changes nothing when the old value is named anywhere else in the store", async () => {
    const store = { ...STORE, "CLAUDE.md": "# Project\n\n- Run the tests with npm test.\n" };
    const r = await run(store, [said("We switched from npm to pnpm.")]);
    expect(r.operations.filter((o) => o.rule === "session-switches")).toEqual([]);
    // It is listed beside the entries instead.
    expect((r.review ?? []).some((i) => i.evidence[0]?.quote === "We switched from npm to pnpm.")).toBe(true);
  });

  it("changes nothing when the value is not the whole slot, or the label calls it history", async () => {
    const cases = {
      "a.md": "# 2026-03-05\n\n- We picked npm after a long debate about lockfiles and workspaces.\n",
      "b.md": "# 2026-03-05\n\n- Previously: npm\n",
      "c.md": "# 2026-03-05\n\n- Package manager: npm or pnpm\n",
      "d.md": "# 2026-03-05\n\n```\nPackage manager: npm\n```\n",
    };
    for (const [path, text] of Object.entries(cases))
      expect(await switches({ [path]: text }, said("We switched from npm to pnpm.")), path).toEqual([]);
  });

  it("changes nothing when sessions switch a value two ways, or away and back", async () => {
    expect(
      await switches(
        STORE,
        said("We switched from npm to pnpm.", "2026-03-12T09:00:00.000Z", "a.jsonl"),
        said("We switched from npm to yarn.", "2026-03-13T09:00:00.000Z", "b.jsonl"),
      ),
    ).toEqual([]);
    expect(
      await switches(
        STORE,
        said("We switched from npm to pnpm.", "2026-03-12T09:00:00.000Z", "a.jsonl"),
        said("We switched from pnpm to npm.", "2026-03-13T09:00:00.000Z", "b.jsonl"),
      ),
    ).toEqual([]);
  });

  it("reads only what a person typed: an assistant's switch is not the owner's decision", async () => {
    const s = sessionFrom(
      "s1.jsonl",
      [
        ["user", "What do we build with?"],
        ["assistant", "We switched from npm to pnpm."],
      ],
      "2026-03-12T09:00:00.000Z",
    );
    expect(await switches(STORE, s)).toEqual([]);
  });
});
