/**
 * What every transcript format must do. Not a test file itself: each format's own test calls
 * `formatContract` with the one conversation below written in its format, so adding a format never edits
 * this suite. The conversation, started on 2026-03-02: the user says "Use pnpm here.", the assistant
 * answers "Will do." (tool calls, tool results and thinking, where the format has them, are dropped).
 */
import { describe, expect, it } from "vitest";
import { createFormatRegistry, type FormatRegistry } from "./registry.ts";
import type { TranscriptFormat } from "./session.ts";

/**
 * The format contract as a vitest suite: `text` is the conversation written as the file `file`; the
 * registry (the default formats unless given) must hand that file to `format`.
 */
export function formatContract(
  format: TranscriptFormat,
  file: string,
  text: string,
  registry: FormatRegistry = createFormatRegistry(),
): void {
  describe(`transcript format contract: ${format.name} (${file})`, () => {
    it("claims its files and yields user and assistant messages in order", () => {
      expect(registry.forFile(file)).toBe(format);
      const s = format.parse(text, file);
      expect(s.messages.map((m) => [m.index, m.role, m.text])).toEqual([
        [0, "user", "Use pnpm here."],
        [1, "assistant", "Will do."],
      ]);
      expect(s.startedAt?.slice(0, 10)).toBe("2026-03-02");
    });

    it("rejects an empty file with a TranscriptError", () => {
      expect(() => format.parse("", file)).toThrow(/./);
    });
  });
}
