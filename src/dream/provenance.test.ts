import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { memoryFrom } from "../../test/fixtures.ts";
import { checkOperations } from "../checks/check-operations.ts";
import { checkInputOf } from "../checks/inputs.ts";
import { linesWrittenByDreams } from "./provenance.ts";

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const change = (before: string[], after: string[]) => ({
  path: "a.md",
  startLine: 3,
  endLine: 3,
  before,
  after,
});

describe("linesWrittenByDreams", () => {
  it("reads the lines earlier proposals wrote, not the ones they only moved or removed, and skips broken manifests", async () => {
    dir = await mkdtemp(join(tmpdir(), "dreamd-provenance-"));
    const put = async (id: string, body: string) => {
      await mkdir(join(dir, id), { recursive: true });
      await writeFile(join(dir, id, "manifest.json"), body);
    };
    await put(
      "20260310T180000Z-aaaaaa",
      JSON.stringify({
        operations: [
          { changes: [change(["- Report due tomorrow."], ["- Report due on 2026-03-11."])] },
          { changes: [change(["- A duplicate."], [])] },
        ],
      }),
    );
    await put("20260311T180000Z-bbbbbb", "{ truncated");
    await mkdir(join(dir, "not-a-dream"));
    expect([...(await linesWrittenByDreams(dir))]).toEqual(["- Report due on 2026-03-11."]);
    expect([...(await linesWrittenByDreams(join(dir, "missing")))]).toEqual([]);
  });

  it("makes code refuse removing or rewriting such a line", () => {
    const files = { "a.md": "# A\n\n- Report due on 2026-03-11.\n- Report due on 2026-03-11.\n" };
    const input = checkInputOf(
      [
        {
          kind: "merge",
          targets: ["a.md"],
          reason: "two copies",
          evidence: [{ source: "memory", path: "a.md", line: 4, quote: "- Report due on 2026-03-11." }],
          changes: [change(["- Report due on 2026-03-11."], [])],
        },
      ],
      {
        memory: memoryFrom(files),
        sessions: [],
        now: new Date("2026-04-01T00:00:00Z"),
        written: new Set(["- Report due on 2026-03-11."]),
      },
    );
    expect(checkOperations(input).refused.map((r) => r.rule)).toEqual(["earlier-dream-wrote-it"]);
  });
});
