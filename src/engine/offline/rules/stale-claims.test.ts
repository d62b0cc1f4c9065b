import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../../test/fixtures.ts";

describe("offline rule stale-claims", () => {
  it("lists a plan whose day has passed beside the later entry saying it never happened, and changes nothing of it", async () => {
    const { operations, review } = await run({
      "MEMORY.md": "# Memory\n\n- [Roadmap](roadmap.md) — phases\n",
      "roadmap.md": "# Roadmap\n\n## 2026-03-04\n- Phase 0 of the billing migration starts tomorrow.\n",
      "notes/2026-03-12.md":
        "# 2026-03-12\n\n- Phase 0 of the billing migration never happened, still NOT STARTED.\n",
    });
    expect(review?.map((r) => r.kind)).toEqual(["stale"]);
    expect(review?.[0]?.reason).toContain("a plan for 2026-03-05 (roadmap.md:4");
    expect(review?.[0]?.evidence.map((e) => e.source === "memory" && e.path)).toEqual([
      "roadmap.md",
      "notes/2026-03-12.md",
    ]);
    expect(operations.filter((op) => op.kind !== "normalize")).toEqual([]);
  });

  it("lists a topic file's passed plan on its own, but not a daily note's (that day's record)", async () => {
    const { review } = await run({
      "roadmap.md":
        "# Roadmap\n\n## 2026-03-04\n- The reporting dashboard goes live tomorrow for the sales team.\n",
      "notes/2026-03-06.md": "# 2026-03-06\n\n- The invoice exporter launches tomorrow after the review.\n",
      "plans.md":
        "# Plans\n\n## 2026-03-18\n- The audit log will be scheduled for 2026-04-02 with the security team.\n",
    });
    expect(review?.map((r) => r.reason.slice(0, 40))).toEqual(["a plan for 2026-03-05 (roadmap.md:4, wri"]);
  });

  it("lists an entry calling a thing under way beside one in the same note calling it settled", async () => {
    const { operations, review } = await run({
      "lab.md":
        "# Lab\n\n- The VLAN loop between SW1 and SW2: debug in progress, fix the default route first.\n\n## 2026-04-28\n- The VLAN loop between SW1 and SW2 is resolved by tagging port 10 on both switches.\n",
    });
    expect(operations).toEqual([]);
    expect(review?.map((r) => [r.kind, r.evidence.map((e) => (e.source === "memory" ? e.line : 0))])).toEqual(
      [["stale", [3, 6]]],
    );
  });

  it("lists a frontmatter description's plan whose month and day have passed this year, not one still ahead", async () => {
    const { review } = await run({
      "project_sprint.md":
        "---\nname: Sprint\ndescription: Twin pipeline sprint. Phase 0 starts tomorrow (March 2).\n---\n# Sprint\n\n- Build the image first.\n",
      "project_next.md":
        "---\nname: Next\ndescription: The launch is planned for April 2.\n---\n# Next\n\n- Write the announcement.\n",
    });
    expect(
      review?.map((r) => [
        r.kind,
        r.evidence.map((e) => (e.source === "memory" ? `${e.path}:${e.line}` : "")),
      ]),
    ).toEqual([["stale", ["project_sprint.md:3"]]]);
  });
});
