import { describe, expect, it } from "vitest";
import { plural } from "./plural.ts";

describe("plural", () => {
  it("says 1 input, 0 inputs, 2 entries", () => {
    expect(plural(1, "input")).toBe("1 input");
    expect(plural(0, "input")).toBe("0 inputs");
    expect(plural(2, "entry", "entries")).toBe("2 entries");
    expect(plural(1, "entry", "entries")).toBe("1 entry");
  });
});
