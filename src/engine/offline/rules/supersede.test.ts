import { describe, expect, it } from "vitest";
import { extractSlot } from "./supersede.ts";

describe("extractSlot", () => {
  it("reads common phrasings", () => {
    expect(extractSlot("Deploy region is eu-west-1.")).toEqual({
      subject: "deploy region",
      value: "eu-west-1",
    });
    expect(extractSlot("The package manager is now pnpm")).toEqual({
      subject: "package manager",
      value: "pnpm",
    });
    expect(extractSlot("Test command: `pnpm test`")).toEqual({ subject: "test command", value: "pnpm test" });
    expect(extractSlot("The payments channel moved to #payments-eng.")).toEqual({
      subject: "payments channel",
      value: "#payments-eng",
    });
  });

  it("ignores long statements, vague subjects, negated values and lists", () => {
    expect(extractSlot("Money is stored as integer cents, never floats.")).toBeNull();
    expect(extractSlot("It is fine.")).toBeNull();
    expect(extractSlot("The build is not green")).toBeNull();
    expect(
      extractSlot(
        "Integration tests need `docker compose up db` first and a clean database every single run",
      ),
    ).toBeNull();
  });
});
