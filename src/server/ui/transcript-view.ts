import { readInside } from "../../fs/safe-read.ts";
import { readTranscript } from "../../transcripts/read-transcript.ts";
import type { FormatRegistry } from "../../transcripts/registry.ts";
import type { Message } from "../../transcripts/session.ts";
import { transcriptText } from "../../transcripts/unpack.ts";

export type TranscriptView = (session: string) => Promise<Message[] | null>;

/**
 * A session's messages for the review page, read as a dream reads them (inside the dir, no link, by
 * content, gzipped or not), so the message numbers evidence cites are the ones shown.
 */
export function createTranscriptView(
  sessionsDir: string,
  registry: FormatRegistry,
  maxBytes: number,
): TranscriptView {
  return async (session) => {
    if (!sessionsDir) return null;
    const r = await readInside(sessionsDir, session, maxBytes).catch(() => null);
    if (!r?.ok) return null;
    const content = await transcriptText(r.data, maxBytes);
    if ("error" in content) return null;
    const got = readTranscript(registry, content.text, session);
    return got.ok ? got.parsed.messages : null;
  };
}
