import { describe, expect, it } from "vitest";
import { consolidateOffline, memoryFrom } from "../../test/fixtures.ts";
import type { ProposedOperation } from "../manifest.ts";
import { checkOperations } from "./check-operations.ts";
import { checkInputOf } from "./inputs.ts";

const log =
  "# Log\n\n## Run 2026-03-04 14:00\n- searched 4 boards\n- found 2 new listings\n\n## Run 2026-03-04 14:00\n- searched 4 boards\n- found 2 new listings\n\n## Run 2026-03-04 18:00\n- searched 4 boards\n- found 0 new listings\n";
const files = { "log.md": log };

function check(operations: ProposedOperation[]) {
  return checkOperations(
    checkInputOf(operations, {
      memory: memoryFrom(files),
      sessions: [],
      now: new Date("2026-03-20T00:00:00Z"),
    }),
  );
}

const block = (startLine: number, endLine: number, keepLine = 3): ProposedOperation => ({
  kind: "merge-block",
  targets: ["log.md"],
  reason: "a section written twice",
  evidence: [
    { source: "memory", path: "log.md", line: keepLine, quote: (log.split("\n")[keepLine - 1] ?? "").trim() },
  ],
  changes: [
    {
      path: "log.md",
      startLine,
      endLine,
      before: log.split("\n").slice(startLine - 1, endLine),
      after: [],
    },
  ],
});

describe("merge-block check", () => {
  it("accepts the engine's removal of a section written twice, as certain", async () => {
    const { operations } = await consolidateOffline(files);
    const { accepted, refused } = check(operations);
    expect(refused).toEqual([]);
    expect(accepted.map((op) => [op.kind, op.confidence])).toEqual([["merge-block", "certain"]]);
  });

  it("takes a table or code block whole with its section, and still refuses cutting into one", async () => {
    const section =
      "## Flush 2026-04-03 22:10\n\n| key | value |\n| --- | --- |\n| context | 80% |\n\n```sh\nnpm run flush\n```\n";
    const twice = { "flush.md": `# Flushes\n\n${section}\n${section}` };
    const { operations } = await consolidateOffline(twice);
    const input = checkInputOf(operations, {
      memory: memoryFrom(twice),
      sessions: [],
      now: new Date("2026-04-20T00:00:00Z"),
    });
    const { accepted, refused } = checkOperations(input);
    expect(refused).toEqual([]);
    expect(accepted.map((op) => op.kind)).toEqual(["merge-block"]);
    const lines = twice["flush.md"].split("\n");
    const cut: ProposedOperation = {
      kind: "merge-block",
      targets: ["flush.md"],
      reason: "half a table",
      evidence: [{ source: "memory", path: "flush.md", line: 3, quote: "## Flush 2026-04-03 22:10" }],
      changes: [{ path: "flush.md", startLine: 15, endLine: 16, before: lines.slice(14, 16), after: [] }],
    };
    expect(checkOperations({ ...input, operations: [cut] }).refused.map((r) => r.rule)).toEqual([
      "block-not-duplicated",
    ]);
  });

  it("refuses a section whose cited copy lacks one of its lines", () => {
    const { refused } = check([block(11, 13, 3)]);
    expect(refused.map((r) => r.rule)).toEqual(["block-not-duplicated"]);
    expect(refused[0]?.detail).toContain("no cited copy that stays holds every line");
  });

  it("refuses a change that is not exactly one whole section", () => {
    expect(check([block(7, 8)]).refused.map((r) => r.rule)).toEqual(["block-not-duplicated"]);
    expect(check([block(6, 12)]).refused[0]?.detail).toContain("is not exactly the section");
    expect(check([block(8, 10)]).refused[0]?.detail).toContain("does not start at a heading");
  });

  it("refuses one whose only cited copy is the one it removes", () => {
    expect(check([block(7, 10, 7)]).refused[0]?.detail).toContain(
      "must cite the heading of a copy that stays",
    );
  });
});
