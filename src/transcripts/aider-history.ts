import { splitLines } from "../memory/entries.ts";
import { claims, finish, MessageList } from "./records.ts";
import { type Role, TranscriptError, type TranscriptFormat } from "./session.ts";

const STARTED = /^# aider chat started at (\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})/;

/**
 * aider's `.aider.chat.history.md` (in the project, appended to by every run): each run opens with
 * `# aider chat started at YYYY-MM-DD HH:MM:SS` (the machine's local time, without a zone: read as
 * UTC), the user's input is written as `#### ` lines, aider's own output (commands, tokens, files
 * added, `/run` output) as `> ` quotes — `system` here — and the model's reply as plain Markdown.
 * Messages carry no time of their own; the session's is its first run's. A reply cut off inside a code
 * block is closed by the next input or run header, so the turns after it are not read as the reply.
 */
export const aiderHistory: TranscriptFormat = {
  name: "aider-chat-history",
  sniff: (head) => claims(splitLines(head.slice(0, 4096)).some((l) => STARTED.test(l))),
  parse(text) {
    const list = new MessageList();
    let startedAt: string | null = null;
    let role: Role | null = null;
    let buf: string[] = [];
    let fence = false;
    const flush = () => {
      if (role) list.add(role, buf.join("\n"));
      buf = [];
    };
    const to = (r: Role) => {
      if (role !== r) flush();
      role = r;
    };
    for (const raw of splitLines(text)) {
      // A history written on Windows: the \r is not part of anyone's words.
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      // A reply cut off inside a code block (Ctrl-C, a broken edit block) never closes it; aider's own
      // markers end it: a new run's header, or an input line as aider writes it (`#### text` and two
      // trailing spaces, which a model's `#### Heading` inside a block does not have).
      if (fence && (STARTED.test(line) || /^#### .*\S {2}$/.test(line))) fence = false;
      const started = fence ? null : STARTED.exec(line);
      if (started) {
        flush();
        role = null;
        startedAt ??= new Date(`${started[1]}T${started[2]}Z`).toISOString();
        continue;
      }
      if (!fence && /^####( |$)/.test(line)) {
        to("user");
        buf.push(line.slice(5).trimEnd());
      } else if (!fence && /^>( |$)/.test(line)) {
        to("system");
        buf.push(line.slice(2));
      } else if (!line.trim() && role !== "assistant") {
        buf.push(""); // the blank line after a user or aider block does not end it yet
      } else {
        to("assistant");
        if (/^\s*(```|~~~)/.test(line)) fence = !fence;
        buf.push(line);
      }
    }
    flush();
    if (!startedAt) throw new TranscriptError("no `# aider chat started at` line: not an aider chat history");
    return finish(list, { sessionId: null, startedAt, warnings: [] });
  },
};
