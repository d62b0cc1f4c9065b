import { describe, expect, it } from "vitest";
import { consolidateOffline, memoryFrom } from "../../../test/fixtures.ts";
import { checkOperations } from "../../checks/check-operations.ts";

/** The offline engine's answer over `files`, through the checks every engine's answer goes through. */
async function dreamAndCheck(files: Record<string, string>) {
  const { operations } = await consolidateOffline(files);
  const memory = memoryFrom(files);
  return checkOperations({
    operations,
    base: { notes: new Map(memory.notes.map((n) => [n.path, n.parsed.lines])), sessions: new Map() },
    opaque: new Set(),
  });
}

describe("headings emptied by several operations", () => {
  it("the removal right under the heading takes the heading and goes last, so code accepts all of them", async () => {
    // Two named values a later note changed: the older note loses both lines, and its heading with them.
    const files = {
      "notes/2026-03-02.md":
        "# 2026-03-02\n\n- The billing-api deploy region is eu-west-1.\n- The ledger-db backup window is 02:00.\n",
      "notes/2026-03-09.md":
        "# 2026-03-09\n\n- The billing-api deploy region is us-east-1.\n- The ledger-db backup window is 04:00.\n",
    };
    const { accepted, refused } = await dreamAndCheck(files);
    expect(refused).toEqual([]);
    const daily = accepted.flatMap((op) => op.changes.filter((c) => c.path === "notes/2026-03-02.md"));
    expect(daily.map((c) => [c.startLine, c.endLine]).sort()).toEqual([
      [1, 3],
      [4, 4],
    ]);
  });

  it("a file that is a copy of another is listed for review, never emptied (each may be a record of its own)", async () => {
    const body =
      "# Cleaned inputs\n\nStore normalized extracts and field maps here, never raw exports.\n\n## Placeholder gate\nEvery top-level file holds one client-specific fact before launch.\n";
    const files = { "inputs.md": body, "notes/2026-03-02.md": body };
    const { accepted, refused } = await dreamAndCheck(files);
    expect(refused).toEqual([]);
    expect(accepted).toEqual([]);
    const { review } = await consolidateOffline(files);
    expect(
      review?.map((r) => [r.kind, r.evidence.map((e) => e.source === "memory" && `${e.path}:${e.line}`)]),
    ).toEqual([["duplicate", ["inputs.md:1", "notes/2026-03-02.md:1"]]]);
  });

  it("one operation may take several headings: a named value retired in three daily notes", async () => {
    const daily = (d: string, v: string) =>
      `# ${d}\n\n## In flight\n- The billing-api deploy region is ${v}.\n\n## Done\n- Shipped build ${d.slice(-2)}.\n`;
    const files = {
      "notes/2026-03-02.md": daily("2026-03-02", "eu-west-1"),
      "notes/2026-03-03.md": daily("2026-03-03", "eu-central-1"),
      "notes/2026-03-04.md": daily("2026-03-04", "eu-north-1"),
      "notes/2026-03-09.md": "# 2026-03-09\n\n- The billing-api deploy region is us-east-1.\n",
    };
    const { accepted, refused } = await dreamAndCheck(files);
    expect(refused).toEqual([]);
    expect(accepted).toHaveLength(1);
    const removed = accepted.flatMap((op) => op.changes.flatMap((c) => c.before));
    expect(removed.filter((l) => l.startsWith("## In flight"))).toHaveLength(3);
    expect(removed.filter((l) => l.startsWith("- The billing-api"))).toHaveLength(3);
    expect(removed.some((l) => l.startsWith("## Done") || l.startsWith("# "))).toBe(false);
  });

  it("a section pasted under three different headings is three records: nothing is removed", async () => {
    const section =
      "### In flight at the flush\n- Review the task list for open work\n- Review the memory index for recent context\n";
    const files = {
      "log.md": `# Log\n\n## Flush\n\nContext at 80%.\n\n${section}\n## Flush\n\nContext at 75%.\n\n${section}\n## Flush\n\nContext at 91%.\n\n${section}`,
    };
    const { accepted, refused } = await dreamAndCheck(files);
    expect(refused).toEqual([]);
    expect(accepted).toEqual([]);
  });
});
