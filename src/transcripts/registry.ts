import { aiderHistory } from "./aider-history.ts";
import { claudeJsonl } from "./claude-jsonl.ts";
import { clineApiHistory } from "./cline-api-history.ts";
import { clineUiMessages } from "./cline-ui-messages.ts";
import { codexJsonl } from "./codex-jsonl.ts";
import { geminiCli } from "./gemini-cli.ts";
import { messagesJson } from "./messages-json.ts";
import { openaiChatJson } from "./openai-chat-json.ts";
import { openclawJsonl } from "./openclaw-jsonl.ts";
import { plainText } from "./plain-text.ts";
import { CLAIMS, type TranscriptFormat } from "./session.ts";
import { specstoryHistory } from "./specstory-history.ts";

export interface Detection {
  /** The first format (in registry order) whose sniff claims the head, or null. */
  format: TranscriptFormat | null;
  /** When none claims it: the format whose sniff scored highest (above 0), for the reason given. */
  closest: TranscriptFormat | null;
}

export interface FormatRegistry {
  formats: readonly TranscriptFormat[];
  /** Which format reads a file, by its content (`head`: the first SNIFF_BYTES of it) and path. */
  detect(head: string, file: string): Detection;
}

/** Specific formats first, generic ones after, plain text last: the first that claims a file reads it. */
export const defaultFormats: readonly TranscriptFormat[] = [
  // JSONL, each claimed by record types of its own
  openclawJsonl,
  codexJsonl,
  claudeJsonl,
  // JSON: the tool-specific shapes, then OpenAI-style chats, then any list of {role, content}
  clineUiMessages,
  clineApiHistory,
  geminiCli,
  openaiChatJson,
  messagesJson,
  // Markdown written by a tool, then any text
  aiderHistory,
  specstoryHistory,
  plainText,
];

/** Formats are tried in order; pass your own list to add one (or put it first to override). */
export function createFormatRegistry(formats: readonly TranscriptFormat[] = defaultFormats): FormatRegistry {
  return {
    formats,
    detect(head, file) {
      let closest: TranscriptFormat | null = null;
      let best = 0;
      for (const f of formats) {
        const score = f.sniff(head, file);
        if (score >= CLAIMS) return { format: f, closest: null };
        if (score > best) [best, closest] = [score, f];
      }
      return { format: null, closest };
    },
  };
}
