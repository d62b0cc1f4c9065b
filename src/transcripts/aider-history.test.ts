import { describe, expect, it } from "vitest";
import { aiderHistory } from "./aider-history.ts";
import { formatContract } from "./contract.suite.ts";

// The shape aider appends (by hand, no real data).
const text = [
  "",
  "# aider chat started at 2026-03-02 09:00:00",
  "",
  "> /usr/local/bin/aider --model sonnet",
  "> Aider v0.86.1",
  "> Added package.json to the chat.",
  "",
  "#### Use pnpm here.",
  "",
  "Will do.",
  "",
  "> Tokens: 2.1k sent, 12 received.",
  "",
].join("\n");

formatContract(aiderHistory, ".aider.chat.history.md", text);

describe("aider chat history", () => {
  it("multi-line input, aider's notices as system, quotes inside code fences stay the model's", () => {
    const s = aiderHistory.parse(
      `${text}\n#### first line  \n#### second line\n\nHere:\n\n\`\`\`diff\n> quoted in a diff\n#### not a user line\n\`\`\`\nDone.\n\n# aider chat started at 2026-03-03 10:00:00\n\n#### again\n`,
      "h.md",
    );
    expect(s.messages.map((m) => [m.role, m.text])).toEqual([
      ["system", "/usr/local/bin/aider --model sonnet\nAider v0.86.1\nAdded package.json to the chat."],
      ["user", "Use pnpm here."],
      ["assistant", "Will do."],
      ["system", "Tokens: 2.1k sent, 12 received."],
      ["user", "first line\nsecond line"],
      ["assistant", "Here:\n\n```diff\n> quoted in a diff\n#### not a user line\n```\nDone."],
      ["user", "again"],
    ]);
    expect(s.startedAt).toBe("2026-03-02T09:00:00.000Z");
  });

  it("a reply cut off inside a code block does not swallow the inputs and runs after it (seen on real histories)", () => {
    const s = aiderHistory.parse(
      [
        "# aider chat started at 2026-03-02 09:00:00",
        "",
        "#### fix the parser  ",
        "",
        "Here is the change:",
        "",
        "```python",
        "def parse(",
        "",
        "> Tokens: 1k sent, 2 received.",
        "",
        "#### try again  ",
        "",
        "Done.",
        "",
        "# aider chat started at 2026-03-03 10:00:00",
        "",
        "#### and the tests  \r",
        "",
        "Added.\r",
        "",
      ].join("\n"),
      "h.md",
    );
    expect(s.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual([
      "fix the parser",
      "try again",
      "and the tests",
    ]);
    expect(s.messages.at(-1)).toMatchObject({ role: "assistant", text: "Added." });
  });
});
