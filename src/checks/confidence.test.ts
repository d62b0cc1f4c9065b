import { describe, expect, it } from "vitest";
import { consolidateOffline } from "../../test/fixtures.ts";
import { confidenceOf } from "./confidence.ts";

describe("confidence", () => {
  it("is certain only where code proves it: a verbatim copy removed, a dangling index line", async () => {
    const fact = "- The staging database is rebuilt from the nightly snapshot every Sunday.";
    const { operations } = await consolidateOffline({
      "MEMORY.md": "# Memory\n\n- [Infra](infra.md) — hosts\n- [Old](old.md) — retired notes\n",
      "infra.md": `# Infra\n\n${fact}\n${fact}\n- The billing deploy region is eu-west-1 since the move.\n- **the billing deploy region is eu-west-1 since the move**\n`,
    });
    const paths = new Set(["MEMORY.md", "infra.md", "notes/2026-03-02.md"]);
    const byRule = operations.map((o) => [o.rule, o.changes[0]?.before.at(-1), confidenceOf(o, paths)]);
    expect(byRule).toEqual([
      ["exact-duplicates", fact, "certain"],
      // Equal only after folding case and emphasis: a judgement, however safe.
      ["exact-duplicates", "- **the billing deploy region is eu-west-1 since the move**", "likely"],
      ["dangling-index-links", "- [Old](old.md) — retired notes", "certain"],
    ]);
  });

  it("is never what an engine claims", () => {
    const op = {
      kind: "supersede" as const,
      confidence: "certain" as const,
      targets: ["a.md"],
      reason: "claimed",
      evidence: [{ source: "memory" as const, path: "a.md", line: 2, quote: "- Owner is Dana" }],
      changes: [{ path: "a.md", startLine: 1, endLine: 1, before: ["- Owner is Marco"], after: [] }],
    };
    expect(confidenceOf(op, new Set(["a.md"]))).toBe("likely");
  });
});
