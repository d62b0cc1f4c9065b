import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../test/fixtures.ts";

describe("contradictions by one number or one status word (review list)", () => {
  it("lists two claims about now that differ in one number or status word, both quoted, changing nothing", async () => {
    const { operations, review } = await run({
      "MEMORY.md":
        "# Memory\n\n- [Indexer](indexer.md) — the code indexer\n- The code indexer covers 32+ files of the billing repository today.\n",
      "indexer.md": "# Indexer\n\n- The code indexer covers 20+ files of the billing repository today.\n",
      "features.md":
        "# Features\n\n- The CSV export of quarterly invoices is available to every customer account.\n",
      "roadmap.md":
        "# Roadmap\n\n- The CSV export of quarterly invoices is planned to every customer account.\n",
    });
    expect(operations).toEqual([]);
    expect(
      review?.map((r) => [r.kind, r.evidence.map((e) => e.source === "memory" && e.path).sort()]),
    ).toEqual([
      ["contradiction", ["MEMORY.md", "indexer.md"]],
      ["contradiction", ["features.md", "roadmap.md"]],
    ]);
    expect(review?.[0]?.reason).toMatch(/"32" .* and "20" /);
  });

  it("lists nothing for records: a log's runs, two days' notes, the items of one list", async () => {
    const { review } = await run({
      "log.md":
        "# Log\n\n## Run 1\n\n- The job board search found 3 new listings in Dubai today.\n\n## Run 2\n\n- The job board search found 5 new listings in Dubai today.\n",
      "notes/2026-03-02.md": "# 2026-03-02\n\n- The nightly export job wrote 120 rows to the warehouse.\n",
      "notes/2026-03-03.md": "# 2026-03-03\n\n- The nightly export job wrote 180 rows to the warehouse.\n",
      "phases.md":
        "# Phases\n\n- Phase 1 of the billing migration is done and verified.\n- Phase 2 of the billing migration is done and verified.\n",
    });
    expect(review ?? []).toEqual([]);
  });

  it("lists one label counted differently in two notes", async () => {
    const { operations, review } = await run({
      "summary.md": "# Summary\n\n- **AI Services** (32+ files): engines, providers, learning systems\n",
      "progress.md": "# Progress\n\n- **AI Services** (20+ files): all engines and providers\n",
      "notes/2026-03-02.md": "# 2026-03-02\n\n- **AI Services** (12 files): started the audit\n",
    });
    expect(operations).toEqual([]);
    expect(
      review?.map((r) => [r.kind, r.evidence.map((e) => (e.source === "memory" ? e.path : ""))]),
    ).toEqual([["contradiction", ["progress.md", "summary.md"]]]);
  });
});
