import { describe, expect, it } from "vitest";
import { BREAKS, STRUCTURED } from "../../test/fixtures/structure.ts";
import { memoryFrom } from "../../test/fixtures.ts";
import { checkOperations } from "./check-operations.ts";
import { noteViolation, STRUCTURE_RULES, structureOf } from "./structure.ts";

const memory = memoryFrom(STRUCTURED);
const check = (operations: Parameters<typeof checkOperations>[0]["operations"]) =>
  checkOperations({
    operations,
    base: { notes: new Map(memory.notes.map((n) => [n.path, n.parsed.lines])), sessions: new Map() },
    opaque: new Set(),
    paths: new Set(memory.notes.map((n) => n.path)),
  });

describe("structure checks", () => {
  it("has a crafted break for every rule", () => {
    expect(new Set(BREAKS.map((b) => b.rule))).toEqual(new Set(STRUCTURE_RULES));
  });

  for (const { rule, op } of BREAKS) {
    it(`refuses ${rule}`, () => {
      const { accepted, refused } = check([op]);
      expect(accepted).toEqual([]);
      expect(refused.map((r) => r.rule)).toEqual([rule]);
    });
  }

  it("accepts what keeps the structure: a dangling index line, a rewrite outside code spans", () => {
    const lines = STRUCTURED["deploys.md"]?.split("\n") ?? [];
    const index = STRUCTURED["MEMORY.md"]?.split("\n") ?? [];
    const { accepted, refused } = check([
      {
        kind: "prune",
        targets: ["MEMORY.md"],
        reason: "links a file that does not exist",
        evidence: [{ source: "memory", path: "MEMORY.md", line: 4, quote: index[3] ?? "" }],
        changes: [{ path: "MEMORY.md", startLine: 4, endLine: 4, before: [index[3] ?? ""], after: [] }],
      },
      {
        kind: "normalize",
        targets: ["deploys.md"],
        reason: "wording",
        evidence: [{ source: "memory", path: "deploys.md", line: 25, quote: lines[24] ?? "" }],
        changes: [
          {
            path: "deploys.md",
            startLine: 25,
            endLine: 25,
            before: [lines[24] ?? ""],
            after: ["- Run `make deploy` once the tests pass."],
          },
        ],
      },
    ]);
    expect(refused).toEqual([]);
    expect(accepted).toHaveLength(2);
  });

  it("judges an operation on the note as earlier operations left it: two removals that empty a heading", () => {
    const pair = memoryFrom({
      "a.md":
        "# A\n\n## Pair\n- the cache is warm\n- the queue is empty\n\n## Other\n- the cache is warm\n- the queue is empty\n",
    });
    const lines = pair.notes[0]?.parsed.lines ?? [];
    const remove = (n: number, copy: number) => ({
      kind: "merge" as const,
      targets: ["a.md"],
      reason: "duplicate",
      evidence: [{ source: "memory" as const, path: "a.md", line: copy, quote: lines[copy - 1] ?? "" }],
      changes: [{ path: "a.md", startLine: n, endLine: n, before: [lines[n - 1] ?? ""], after: [] }],
    });
    const { accepted, refused } = checkOperations({
      operations: [remove(4, 8), remove(5, 9)],
      base: { notes: new Map([["a.md", lines]]), sessions: new Map() },
      opaque: new Set(),
    });
    expect(accepted).toHaveLength(1);
    expect(refused.map((r) => r.rule)).toEqual(["heading-emptied"]);
  });

  it("guards a plain-text note's lead-ins and headings as the engine reads them", async () => {
    const txt = memoryFrom({
      "a.txt": "Gates before sending:\n- the post is fresh this week\n- no repeat of last week's angle\n",
      "b.txt": "Gates before sending:\n- the post is fresh this week\n- no repeat of last week's angle\n",
    });
    const lines = txt.notes.find((n) => n.path === "b.txt")?.parsed.lines ?? [];
    const remove = (n: number) => ({
      kind: "merge" as const,
      targets: ["a.txt", "b.txt"],
      reason: "duplicate",
      evidence: [{ source: "memory" as const, path: "a.txt", line: n, quote: lines[n - 1] ?? "" }],
      changes: [{ path: "b.txt", startLine: n, endLine: n, before: [lines[n - 1] ?? ""], after: [] }],
    });
    const { refused } = checkOperations({
      operations: [remove(2), remove(3)],
      base: { notes: new Map(txt.notes.map((n) => [n.path, n.parsed.lines])), sessions: new Map() },
      opaque: new Set(),
    });
    expect(refused.map((r) => r.rule)).toEqual(["lead-in-orphaned"]);
  });

  it("a list cut down to its closing tag has lost what it says: its lead-in is orphaned", () => {
    const note =
      "user: <recalled>\nThese may be relevant:\n- the user runs the staging cluster\n- the user is on call\n</recalled>\n";
    const exists = () => true;
    for (const path of ["chat.md", "chat.txt"]) {
      const base = structureOf(note, path);
      expect(noteViolation(path, base, new Set([3, 4]), exists)?.rule).toBe("lead-in-orphaned");
      expect(noteViolation(path, base, new Set([3]), exists)).toBeNull();
    }
  });

  it("lets a heading go with every item of its loose list, the blank lines between them left", () => {
    // Read with mdast (a code span): the list spans the blank lines between its items.
    const note = "# Log\n\n## Run\n- pool A paid\n\n- pool B paid `ok`\n\n## Prices\n- EGLD $4.11\n";
    const base = structureOf(note, "log.md");
    const exists = () => true;
    expect(noteViolation("log.md", base, new Set([3, 4, 6]), exists)).toBeNull();
    expect(noteViolation("log.md", base, new Set([3, 4]), exists)?.rule).toBe("heading-removed");
  });

  it("reads a lead-in as CommonMark does in a plain note: a blank line before its list, blank lines between items", () => {
    const note =
      "The failure was operational:\n\n- the job improvised scripts\n\n- the check was loose\n\nThe fix was a boundary.\n";
    const base = structureOf(note, "draft.md");
    const exists = () => true;
    expect(noteViolation("draft.md", base, new Set([3, 5]), exists)?.rule).toBe("lead-in-orphaned");
    expect(noteViolation("draft.md", base, new Set([1]), exists)?.rule).toBe("lead-in-removed");
    expect(noteViolation("draft.md", base, new Set([3]), exists)).toBeNull();
    expect(noteViolation("draft.md", base, new Set([1, 2, 3, 4, 5]), exists)).toBeNull();
    expect(noteViolation("draft.md", base, new Set([7]), exists)).toBeNull();
    // A colon inside emphasis still ends a lead-in, as mdast reads its text.
    const bold = structureOf("**Topic:** plans\n**Phrases:**\n- vamos\n- hola\n", "lesson.md");
    expect(noteViolation("lesson.md", bold, new Set([1, 2]), exists)?.rule).toBe("lead-in-removed");
    expect(noteViolation("lesson.md", bold, new Set([3, 4]), exists)?.rule).toBe("lead-in-orphaned");
    // The same note read with mdast (a code span makes it one that may hold blocks).
    const parsed = structureOf(`${note}Run \`make ship\` after.\n`, "draft.md");
    expect(noteViolation("draft.md", parsed, new Set([3, 5]), exists)?.rule).toBe("lead-in-orphaned");
    expect(noteViolation("draft.md", parsed, new Set([1]), exists)?.rule).toBe("lead-in-removed");
  });
});
