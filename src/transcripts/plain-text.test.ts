import { describe, expect, it } from "vitest";
import { formatContract } from "./contract.suite.ts";
import { plainText } from "./plain-text.ts";

formatContract(plainText, "2026-03-02-s.md", "## User\nUse pnpm here.\n\n## Assistant\nWill do.\n");
formatContract(plainText, "2026-03-02-s.txt", "User: Use pnpm here.\nAssistant: Will do.\n");

describe("malformed input", () => {
  it("plain text without speaker markers is one message", () => {
    const s = plainText.parse("User accounts are stored in Postgres.\n", "notes.txt");
    expect(s.messages.map((m) => m.role)).toEqual(["unknown"]);
  });
});
