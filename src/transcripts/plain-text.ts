import { parseFrontmatter, splitLines, validDate } from "../memory/entries.ts";
import { looksJson } from "./records.ts";
import {
  CLAIMS,
  type Message,
  normalizeRole,
  type Role,
  TranscriptError,
  type TranscriptFormat,
} from "./session.ts";

// The speaker markers chat exports use: "## User" headings, or "User: hi" / "**Assistant:** hi" lines.
const NAMES = "(user|human|assistant|claude|system)";
const HEADING_SPEAKER = new RegExp(`^#{1,6}\\s*${NAMES}\\s*(?::\\s*)?$`, "i");
// The text after the marker keeps its leading white space here; the message is trimmed as a whole.
const INLINE_SPEAKER = new RegExp(`^(?:>\\s*)?(?:\\*\\*)?${NAMES}(?::\\*\\*|\\*\\*:|:)(.*)$`, "i");

// A log's own name: Markdown, text or log. Any other name (a script, PKG-INFO) needs speaker markers.
const TEXT_NAME = /\.(md|markdown|txt|log)$/i;

/**
 * Markdown or plain-text logs, sniffed last: text (the loader has refused binary) that does not start
 * like JSON, and either has speaker markers or is named like a log. Without speaker markers the whole
 * file is one message.
 */
export const plainText: TranscriptFormat = {
  name: "text",
  sniff(head, file) {
    if (!head.trim() || looksJson(head)) return 0;
    const marked = splitLines(head.slice(0, 16_384)).some(
      (l) => HEADING_SPEAKER.test(l) || INLINE_SPEAKER.test(l),
    );
    return marked || TEXT_NAME.test(file) ? CLAIMS : 0;
  },
  parse(text, file) {
    // JSON is some other format's, broken or not: read as text it would pass for one odd message.
    if (looksJson(text)) throw new TranscriptError("JSON content, not a text log");
    const lines = splitLines(text);
    const { data: fm, end } = parseFrontmatter(lines);
    const body = lines.slice(end);
    const messages: Message[] = [];
    let role: Role | null = null;
    let buf: string[] = [];
    const flush = () => {
      const t = buf.join("\n").trim();
      if (t) messages.push({ index: messages.length, role: role ?? "unknown", text: t, timestamp: null });
      buf = [];
    };
    for (const line of body) {
      const m = HEADING_SPEAKER.exec(line) ?? INLINE_SPEAKER.exec(line);
      if (m) {
        flush();
        role = normalizeRole(m[1]?.toLowerCase());
        if (m[2]?.trim()) buf.push(m[2]);
      } else buf.push(line);
    }
    flush();
    if (messages.length === 0) throw new TranscriptError("empty transcript");
    const date =
      validDate(fm.date) ??
      validDate(/(\d{4}-\d{2}-\d{2})/.exec(file)?.[1]) ??
      validDate(body.slice(0, 5).join(" "));
    return {
      sessionId: fm.session ?? fm.id ?? null,
      startedAt: date ? `${date}T00:00:00.000Z` : null,
      messages,
      warnings: [],
    };
  },
};
