import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Manifest } from "../manifest.ts";
import { appendReview, readReview, reviewPathOf, reviewState, select } from "./review-log.ts";

const m = {
  dreamId: "d",
  operations: [
    { id: "op-001", rule: "exact-duplicates", confidence: "certain" },
    { id: "op-002", rule: "normalize", confidence: "likely" },
    { id: "op-003", rule: "exact-duplicates", confidence: "likely" },
  ],
} as unknown as Manifest;

describe("review log", () => {
  it("keeps every decision, the latest one stating the operation; a torn last line is skipped", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dreamd-review-"));
    try {
      await appendReview(dir, [{ at: "t1", by: "dana", op: "op-001", decision: "accepted" }]);
      await appendReview(dir, [{ at: "t2", by: "api", op: "op-001", decision: "rejected", comment: "no" }]);
      await appendFile(reviewPathOf(dir), '{"at":"t3","by":"cli","op":"op-0');
      const events = await readReview(dir);
      expect(events.map((e) => `${e.by}:${e.decision}`)).toEqual(["dana:accepted", "api:rejected"]);
      const state = reviewState(m, events);
      expect(state.get("op-001")).toEqual({ state: "rejected", at: "t2", by: "api", comment: "no" });
      expect(state.get("op-002")).toEqual({ state: "pending" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("selects by ids, all, rule or confidence, and names an unknown id", () => {
    expect(select(m, { ids: "all" })).toEqual(["op-001", "op-002", "op-003"]);
    expect(select(m, { rule: "exact-duplicates" })).toEqual(["op-001", "op-003"]);
    expect(select(m, { confidence: "certain" })).toEqual(["op-001"]);
    expect(select(m, { ids: ["op-002"] })).toEqual(["op-002"]);
    expect(() => select(m, { ids: ["op-009"] })).toThrow("no such operation in dream d: op-009");
  });
});
