import { describe, expect, it } from "vitest";
import { jsonChunks } from "./json-chunks.ts";

describe("jsonChunks", () => {
  it("joins to what JSON.stringify(value, null, 2) writes", () => {
    const value = {
      schemaVersion: 1,
      empty: { a: [], o: {} },
      skip: undefined,
      fn: () => 1,
      at: new Date("2026-06-01T00:00:00Z"),
      text: 'line\nbreak "quoted" — \u2028 tab\t',
      ops: Array.from({ length: 50 }, (_, i) => ({
        id: `op-${i}`,
        changes: [{ path: "a.md", before: ["- x"], after: [] }],
        none: undefined,
        nested: { deep: { deeper: [1, { x: null }] } },
      })),
      // biome-ignore lint/suspicious/noSparseArray: a hole is written as null, as stringify writes it
      holes: [undefined, () => 0, null, , 2, "s"],
      base: { files: [{ path: "p", sha256: "s", bytes: 3 }], n: -0, big: 1e21 },
    };
    for (const chunk of [1, 64, 1 << 16]) {
      const pieces = [...jsonChunks(value, 2, chunk)];
      expect(pieces.join("")).toBe(JSON.stringify(value, null, 2));
      if (chunk === 64) expect(pieces.length).toBeGreaterThan(10);
    }
    expect([...jsonChunks([])].join("")).toBe("[]");
    expect([...jsonChunks({ a: [{}] })].join("")).toBe(JSON.stringify({ a: [{}] }, null, 2));
  });
});
