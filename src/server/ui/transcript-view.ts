import { readInside } from "../../fs/safe-read.ts";
import type { FormatRegistry } from "../../transcripts/registry.ts";
import type { Message } from "../../transcripts/session.ts";

export type TranscriptView = (session: string) => Promise<Message[] | null>;

/** A session's messages for the review page, read like a dream reads them (inside the dir, no link). */
export function createTranscriptView(
  sessionsDir: string,
  registry: FormatRegistry,
  maxBytes: number,
): TranscriptView {
  return async (session) => {
    if (!sessionsDir) return null;
    const format = registry.forFile(session);
    if (!format) return null;
    const r = await readInside(sessionsDir, session, maxBytes).catch(() => null);
    if (!r?.ok) return null;
    try {
      return format.parse(r.data.toString("utf8"), session).messages;
    } catch {
      return null;
    }
  };
}
