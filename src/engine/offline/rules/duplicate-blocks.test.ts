import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../../test/fixtures.ts";

const run3 = "- searched 4 boards\n- found 2 new listings\n- sent 1 application\n";

describe("offline rule duplicate-blocks", () => {
  it("removes a section written twice under one heading as one merge-block, keeping the first", async () => {
    const log = `# Search log\n\n## Run 2026-03-04 14:00\n${run3}\n## Run 2026-03-04 14:00\n${run3}\n## Run 2026-03-04 18:00\n- searched 4 boards\n- found 0 new listings\n- sent 0 applications\n`;
    const { operations, review } = await run({ "search-log.md": log });
    expect(operations).toHaveLength(1);
    const [op] = operations;
    expect(op?.kind).toBe("merge-block");
    expect(op?.reason).toContain("kept the first, search-log.md:3, removed search-log.md:8");
    expect(op?.changes.map((c) => [c.startLine, c.endLine])).toEqual([[8, 12]]);
    // One change for the whole block, not a removal per line.
    expect(review ?? []).toEqual([]);
  });

  it("a block pasted N times is one operation", async () => {
    const block = `## Run 2026-03-04 14:00\n${run3}\n`;
    const { operations } = await run({ "log.md": `# Log\n\n${block.repeat(5)}` });
    expect(operations).toHaveLength(1);
    expect(operations[0]?.changes).toHaveLength(4);
  });

  it("lists, never removes, a section copied under another parent, into another file, or under a heading naming nothing", async () => {
    const notes =
      "## Notes\n- check the staging cluster first\n- then the queue depth\n- then the error budget\n";
    const { operations, review } = await run({
      "days.md": `# 2026-03-04\n\n${notes}\n# 2026-03-05\n\n${notes}`,
      "runbook.md": `# Runbook\n\n## Checks\n- check the staging cluster first\n- then the queue depth\n- then the error budget\n`,
      "backup/runbook.md": `# Runbook\n\n## Checks\n- check the staging cluster first\n- then the queue depth\n- then the error budget\n`,
      "twice.md": `# Twice\n\n${notes}\n${notes}`,
    });
    expect(operations).toEqual([]);
    expect(review?.map((r) => r.kind)).toEqual(["duplicate", "duplicate"]);
    // The whole file copied is one finding, not one per section; the "## Notes" copies another.
    expect(review?.[0]?.reason).toMatch(/^the same text .* backup\/runbook\.md:1, runbook\.md:1/);
    expect(review?.[1]?.evidence.map((e) => e.source === "memory" && `${e.path}:${e.line}`)).toEqual([
      "days.md:3",
      "days.md:10",
      "twice.md:3",
      "twice.md:8",
    ]);
  });
});
