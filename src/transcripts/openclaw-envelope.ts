/**
 * What the person typed in an OpenClaw user turn. OpenClaw wraps a chat message in envelopes before the
 * model sees it — a plugin's `<composio>…</composio>` block, `Conversation info (untrusted metadata):`
 * and `Sender (untrusted metadata):` JSON fences, a quoted `Replied message (untrusted, for context):`, `System: [time] Exec completed …` event lines,
 * `[media attached: …]` notes, a queue header — and sends runtime events as user turns of their own
 * (`[time] OpenClaw runtime context (internal):`, `An async command did not run.`, "Continue where you
 * left off."). Those are not the user's words: the envelopes are cut, and a turn with nothing else left
 * is the runtime's (null). Plain string scanning: no pattern that backtracks over a long paste.
 */
const RUNTIME = [
  "OpenClaw runtime context (internal):",
  "A new session was started via /new or /reset.",
  "An async command did not run.",
  "Continue where you left off.",
];
const DROPPED_LINE = [
  "System: [",
  "[media attached",
  "To send an image back, prefer the message tool",
  "[Queued messages while agent was busy]",
  "Note: The previous agent run was aborted by the user.",
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

/** `[Mon 2026-03-30 01:57 GMT+2] ` at the start of a turn: OpenClaw's own time stamp. */
function withoutStamp(text: string): string {
  if (!text.startsWith("[")) return text;
  const end = text.indexOf("]");
  return end > 0 && end < 40 && /\d{4}-\d{2}-\d{2}/.test(text.slice(0, end))
    ? text.slice(end + 1).trimStart()
    : text;
}

export function personText(raw: string): string | null {
  const cut = cutMetadata(cutBlocks(raw, "<composio>", "</composio>"));
  const kept = cut
    .split("\n")
    .filter((l) => {
      const t = l.trim();
      return t !== "---" && !/^Queued #\d+$/.test(t) && !DROPPED_LINE.some((d) => t.startsWith(d));
    })
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (!kept) return null;
  const body = withoutStamp(kept);
  return RUNTIME.some((r) => body.startsWith(r)) ? null : kept;
}
