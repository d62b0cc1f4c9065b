import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { RULES } from "./index.ts";

describe("rules/index.ts", () => {
  it("lists every rule file once, each named as its file and tested beside it", async () => {
    const files = await readdir(new URL("./", import.meta.url));
    const rules = files
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "index.ts" && f !== "rule.ts")
      .map((f) => f.slice(0, -3))
      .sort();
    expect([...RULES.map((r) => r.name)].sort()).toEqual(rules);
    for (const rule of rules) expect(files).toContain(`${rule}.test.ts`);
  });
});
