/**
 * What the person typed in an OpenClaw user turn. OpenClaw wraps a chat message in envelopes before the
 * model sees it — a plugin's `<composio>…</composio>` block, `Conversation info (untrusted metadata):`
 * and `Sender (untrusted metadata):` JSON fences, a quoted `Replied message (untrusted, for context):`,
 * `System: [time] Exec completed …` event lines, `[media attached: …]` notes, a queue header, a chat
 * channel's header (`[WhatsApp +81… 2026-01-31 13:40 GMT+9] `, a group's sender `Dana (8668…): `) and
 * `[message_id: …]` line, a quoted `[Replying to …]` block, attached `<file>` contents, a `[Bootstrap
 * truncation warning]` — and sends runtime events as user turns of their own
 * (`[time] OpenClaw runtime context (internal):`, `An async command did not run.`, "Continue where you
 * left off."). Those are not the user's words: the envelopes are cut, and a turn with nothing else left
 * is the runtime's (null). Plain string scanning: no pattern that backtracks over a long paste.
 */
const RUNTIME = [
  "OpenClaw runtime context (internal):",
  "A new session was started via /new or /reset.",
  "An async command did not run.",
  "An async command the user already approved has completed.",
  "Continue where you left off.",
];
/**
 * Runtime text wherever it stands in the turn: a reminder's event follows the multi-line output of the
 * cron that raised it (a `System:` line whose body runs on), so it does not start the turn.
 */
const RUNTIME_ANYWHERE = [
  "A scheduled reminder has been triggered.",
  "Please relay this reminder to the user in a helpful and friendly way.",
];
const DROPPED_LINE = [
  "System: [",
  "[media attached",
  "To send an image back, prefer the message tool",
  "[Queued messages while agent was busy]",
  "Note: The previous agent run was aborted by the user.",
  "<media:",
];
/** Whole lines OpenClaw adds after a chat message: `[message_id: 3ADE1F90…]`. */
const ID_LINE = "[message_id:";

/** Blocks cut whole, `open` to `close`: a plugin's, a quoted reply, an attached file's contents. */
const BLOCKS: readonly (readonly [string, string])[] = [
  ["<composio>", "</composio>"],
  ["[Replying to ", "[/Replying]"],
  ["<file name=", "</file>"],
];

/** Remove every `open`…`close` block. */
function cutBlocks(text: string, open: string, close: string): string {
  let out = text;
  for (let i = out.indexOf(open); i !== -1; i = out.indexOf(open, i)) {
    const end = out.indexOf(close, i + open.length);
    if (end === -1) break;
    out = out.slice(0, i) + out.slice(end + close.length);
  }
  return out;
}

/**
 * Remove each `<Label> (untrusted metadata):` or `<Label> (untrusted, for context):` line (a quoted
 * earlier message is not the person's words either) and the fenced block right after it.
 */
function cutMetadata(text: string): string {
  let out = text;
  for (const marker of [" (untrusted metadata):", " (untrusted, for context):"]) {
    // After each cut the search goes on from where the cut began: what followed has moved up to there.
    for (let at = out.indexOf(marker); at !== -1; ) {
      const start = out.lastIndexOf("\n", at) + 1;
      const fence = out.indexOf("```", at);
      const close = fence === -1 ? -1 : out.indexOf("\n```", fence + 3);
      out = out.slice(0, start) + out.slice(close === -1 ? at + marker.length : close + 4);
      at = out.indexOf(marker, start);
    }
  }
  return out;
}

/**
 * A chat message's header: `[Mon 2026-03-30 01:57 GMT+2] `, `[WhatsApp +8180… +14s 2026-01-31 13:40 GMT+9] `,
 * `[Telegram Ops id:-100… topic:9 Mon 2026-03-30 13:52 GMT+2] Dana (866838380): ` — a bracket holding a day
 * and a time, then in a group the sender. A bracket with a day alone ("[2026-03-02] moved the cron") is the
 * person's own.
 */
function withoutHeader(line: string): string {
  if (!line.startsWith("[")) return line;
  const end = line.indexOf("]");
  if (end < 0 || end > 200) return line;
  const head = line.slice(1, end);
  if (!/\d{4}-\d{2}-\d{2}/.test(head) || !/\d{1,2}:\d{2}/.test(head)) return line;
  const body = line.slice(end + 1).trimStart();
  const sender = /^[^\n():]{1,60} \(\d{3,20}\): /.exec(body);
  return sender ? body.slice(sender[0].length) : body;
}

/** Remove from `marker` to the end of its paragraph. */
function cutParagraph(text: string, marker: string): string {
  const at = text.indexOf(marker);
  if (at === -1) return text;
  const end = text.indexOf("\n\n", at);
  return text.slice(0, at) + (end === -1 ? "" : text.slice(end + 2));
}

export function personText(raw: string): string | null {
  const blocks = BLOCKS.reduce((text, [open, close]) => cutBlocks(text, open, close), raw);
  const cut = cutMetadata(cutParagraph(blocks, "[Bootstrap truncation warning]"));
  const kept = cut
    .split("\n")
    .filter((l) => {
      const t = l.trim();
      return (
        t !== "---" &&
        !/^Queued #\d+$/.test(t) &&
        !(t.startsWith(ID_LINE) && t.endsWith("]")) &&
        !DROPPED_LINE.some((d) => t.startsWith(d))
      );
    })
    .map(withoutHeader)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (!kept) return null;
  return RUNTIME.some((r) => kept.startsWith(r)) || RUNTIME_ANYWHERE.some((r) => kept.includes(r))
    ? null
    : kept;
}
