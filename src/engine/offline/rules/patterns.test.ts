import { describe, expect, it } from "vitest";
import { consolidateOffline as run, sessionFrom } from "../../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule patterns", () => {
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
