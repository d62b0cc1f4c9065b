import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dreamFor, writeTree } from "../../test/fixtures.ts";
import type { Manifest } from "../manifest.ts";
import { renderReport } from "../proposal/report.ts";
import { autoApply } from "./autonomy.ts";
import { readReview } from "./review-log.ts";

// Two verbatim copies (certain), one copy equal only after folding emphasis (likely), one relative date.
const LOG =
  "# Log\n\n## Run 2026-03-17 06:01\n- alpha checked twice today\n- beta checked\n- gamma checked\n- alpha checked twice today\n- beta checked\n- **gamma** checked\n\n## 2026-03-18\n- Deployed the billing API yesterday.\n";
let work: string;
let m: Manifest;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-autonomy-"));
  await writeTree(join(work, "memory"), { "log.md": LOG });
  const r = await dreamFor(join(work, "proposals"), join(work, "memory"));
  m = r.manifest;
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const run = (mode: "review" | "auto-safe" | "auto") =>
  autoApply({
    mode,
    proposalsDir: join(work, "proposals"),
    snapshotsDir: join(work, "proposals", "snapshots"),
    memoryDir: join(work, "memory"),
    dreamId: m.dreamId,
    now: new Date("2026-03-20T01:00:00Z"),
  });

describe("DREAMD_AUTONOMY", () => {
  it("review applies nothing; auto-safe applies only what code proved certain, accepted as auto-safe", async () => {
    expect(m.operations.map((o) => o.confidence).sort()).toEqual(["certain", "certain", "likely", "likely"]);
    expect(await run("review")).toBeNull();
    expect(await readFile(join(work, "memory", "log.md"), "utf8")).toBe(LOG);
    const r = await run("auto-safe");
    const certain = m.operations.filter((o) => o.confidence === "certain").map((o) => o.id);
    expect(r?.results.filter((x) => x.status === "applied").map((x) => x.op)).toEqual(certain);
    const after = await readFile(join(work, "memory", "log.md"), "utf8");
    expect(after.match(/alpha checked twice today/g)).toHaveLength(1);
    expect(after).toContain("- **gamma** checked");
    expect(after).toContain("yesterday");
    expect((await readReview(join(work, "proposals", m.dreamId))).every((e) => e.by === "auto-safe")).toBe(
      true,
    );
    // auto then takes the likely ones too; what auto-safe applied is not applied twice.
    const all = await run("auto");
    const likely = m.operations.filter((o) => o.confidence === "likely").map((o) => o.id);
    expect(all?.results.filter((x) => x.status === "applied").map((x) => x.op)).toEqual(likely);
    expect(await readFile(join(work, "memory", "log.md"), "utf8")).not.toContain("yesterday");
  });

  it("the report says which mode the dream ran under and what applies by itself", () => {
    expect(renderReport(m)).toContain("Autonomy `review`: nothing reaches memory without an approval.");
    expect(renderReport({ ...m, autonomy: "auto-safe" })).toContain(
      "Autonomy `auto-safe`: the 2 certain operations apply by themselves after this dream",
    );
    expect(renderReport({ ...m, autonomy: "auto" })).toContain(
      "Autonomy `auto`: the 4 certain and likely operations apply by themselves",
    );
  });
});
