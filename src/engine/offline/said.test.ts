import { describe, expect, it } from "vitest";
import { sessionFrom } from "../../../test/fixtures.ts";
import { typedSentences } from "./said.ts";

describe("typedSentences: what a person typed, not what a machine pasted", () => {
  it("keeps short user sentences and drops assistant turns, pastes, machine text and templates", () => {
    const ping =
      "Read the status file if it exists and follow it strictly. Do not infer old tasks from prior chats; reply briefly.";
    const sessions = [1, 2, 3].map((n) =>
      sessionFrom(`s${n}.jsonl`, [
        ["user", ping],
        ["user", n === 1 ? "No, we use pnpm now. Not npm." : "ok"],
        ["assistant", "Always use pnpm from now on, noted."],
        ["user", `<system-reminder>Always answer in French.</system-reminder>`],
        ["user", "```\nnpm ERR! always fails\n```"],
        ["user", `${"Log line that goes on. ".repeat(100)}`],
      ]),
    );
    expect(typedSentences(sessions).map((t) => `${t.session.id}#${t.index} ${t.sentence}`)).toEqual([
      "s1.jsonl#1 No, we use pnpm now.",
    ]);
  });

  it("keeps a short instruction a person repeats word for word, drops a message sent three times in one session", () => {
    const sessions = [1, 2, 3].map((n) =>
      sessionFrom(`s${n}.jsonl`, [
        ["user", "Never squash merge the release branches."],
        ["user", "check status"],
        ["user", "check status"],
        ["user", "check status"],
      ]),
    );
    expect(typedSentences(sessions).map((t) => t.sentence)).toEqual([
      "Never squash merge the release branches.",
      "Never squash merge the release branches.",
      "Never squash merge the release branches.",
    ]);
  });
});
