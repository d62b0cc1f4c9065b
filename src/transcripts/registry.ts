import { claudeJsonl } from "./claude-jsonl.ts";
import { messagesJson } from "./messages-json.ts";
import { plainText } from "./plain-text.ts";
import type { TranscriptFormat } from "./session.ts";

export interface FormatRegistry {
  formats: readonly TranscriptFormat[];
  /** The format that claims `file`, or null when none does. */
  forFile(file: string): TranscriptFormat | null;
}

export const defaultFormats: readonly TranscriptFormat[] = [claudeJsonl, messagesJson, plainText];

/** Formats are tried in order; pass your own list to add one (or put it first to override). */
export function createFormatRegistry(formats: readonly TranscriptFormat[] = defaultFormats): FormatRegistry {
  return { formats, forFile: (file) => formats.find((f) => f.matches(file)) ?? null };
}
