import { describe, expect, it } from "vitest";
import { consolidateOffline, memoryFrom } from "../../test/fixtures.ts";
import { applyChanges } from "../proposal/apply-changes.ts";
import { checkOperations } from "./check-operations.ts";
import { checkInputOf } from "./inputs.ts";
import { mostValuable } from "./most-valuable.ts";

async function dream(files: Record<string, string>, max: number) {
  const { operations } = await consolidateOffline(files);
  const input = checkInputOf(operations, {
    memory: memoryFrom(files),
    sessions: [],
    now: new Date("2026-03-20T00:00:00Z"),
    deletionBudget: 1,
  });
  return { all: checkOperations(input), capped: mostValuable(checkOperations(input), input, max) };
}

/** A store of `n` lists, each written twice over (two merges each), and one relative date to rewrite. */
function store(n: number): Record<string, string> {
  const sections = Array.from(
    { length: n },
    (_, i) =>
      `## Service ${i}\n\n- Service ${i} restarts nightly at ${i}:00 UTC for its backups.\n- Owner of service ${i} is team ${i}.\n- Service ${i} restarts nightly at ${i}:00 UTC for its backups.\n- Owner of service ${i} is team ${i}.\n`,
  );
  return {
    "services.md": `# Services\n\n${sections.join("\n")}`,
    "notes/2026-03-02.md": "# 2026-03-02\n\n- The billing export was moved to the new bucket yesterday.\n",
  };
}

describe("mostValuable (DREAMD_MAX_OPERATIONS)", () => {
  it("proposes nothing less when under the limit", async () => {
    const { all, capped } = await dream(store(3), 200);
    expect(capped.accepted).toEqual(all.accepted);
    expect(capped.deferred).toEqual([]);
  });

  it("keeps the most valuable (certain merges before a date rewrite), numbers them afresh, defers the rest", async () => {
    const { all, capped } = await dream(store(5), 3);
    expect(all.accepted).toHaveLength(11);
    expect(capped.accepted.map((op) => op.id)).toEqual(["op-001", "op-002", "op-003"]);
    expect(capped.accepted.every((op) => op.kind === "merge" && op.confidence === "certain")).toBe(true);
    expect(capped.deferred).toHaveLength(8);
    expect(capped.deferred.filter((d) => d.kind === "normalize")).toHaveLength(1);
  });

  it("a second dream over the output proposes only what the first deferred", async () => {
    const files = store(5);
    const first = await dream(files, 3);
    const out: Record<string, string> = {};
    for (const [path, text] of Object.entries(files)) {
      const changes = first.capped.accepted.flatMap((op) => op.changes.filter((c) => c.path === path));
      out[path] = `${applyChanges(text.replace(/\n$/, "").split("\n"), changes).join("\n")}\n`;
    }
    const second = await dream(out, 200);
    // The same decisions, at the lines the first dream's removals moved them to; a list the first dream
    // took one copy from may no longer read as written twice over, and its last pair is then listed.
    const quote = (ops: { evidence: { quote: string }[] }[]) => ops.map((op) => op.evidence[0]?.quote);
    const deferred = quote(
      first.all.accepted.filter((op) => !first.capped.accepted.some((a) => a.reason === op.reason)),
    );
    expect(second.capped.accepted.length).toBeGreaterThan(0);
    for (const q of quote(second.capped.accepted)) expect(deferred).toContain(q);
  });

  it("defers an operation that relies on one left out, never proposing it half-supported", async () => {
    // Three named values a later note changed: the retirement right under the daily note's heading
    // takes the heading, and only together with the other two.
    const slot = (i: number, v: string) => `- The ledger-db${i} backup window is ${v}.`;
    const files = {
      "notes/2026-03-02.md": `# 2026-03-02\n\n${[1, 2, 3].map((i) => slot(i, "02:00")).join("\n")}\n`,
      "notes/2026-03-09.md": `# 2026-03-09\n\n${[1, 2, 3].map((i) => slot(i, "04:00")).join("\n")}\n`,
    };
    const { all, capped } = await dream(files, 2);
    expect(all.accepted.map((op) => op.changes.map((c) => [c.startLine, c.endLine]))).toEqual([
      [[4, 4]],
      [[5, 5]],
      [[1, 3]],
    ]);
    // The heading's removal ranks first (most lines) but needs the removal of line 5 beside it, which
    // the limit leaves out: it is deferred, the room it leaves goes to the next, and what is proposed
    // stands on its own.
    expect(capped.accepted.map((op) => op.changes.map((c) => [c.startLine, c.endLine]))).toEqual([
      [[4, 4]],
      [[5, 5]],
    ]);
    expect(capped.deferred).toHaveLength(1);
  });
});
