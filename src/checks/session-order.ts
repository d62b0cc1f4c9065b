/**
 * A session retires what memory says only when it provably came after it: a correction the user made
 * before the note was written is older than the note, and the note wins. Proof is one of
 * - the entry's own written-on day (a date stamp, a date heading, a daily note's name; never a file
 *   mtime) falls before the session's day, or
 * - the entry's file was byte-identical in a snapshot dreamd took before the session started (so every
 *   line of it already existed then).
 * A session without a time proves nothing.
 */
export interface SessionOrder {
  /** When each session started (ISO), from its records; null when it has none. */
  startedAt: ReadonlyMap<string, string | null>;
  /** The day each entry line was written (YYYY-MM-DD), from the note itself only. */
  writtenOn: ReadonlyMap<string, ReadonlyMap<number, string>>;
  /** Per memory file: the earliest snapshot (ISO time) that holds it byte for byte as it is now. */
  seenSince: ReadonlyMap<string, string>;
}

/**
 * Whether a session that started at `started` (ISO, from its records) provably comes after an entry
 * written on `day` (its own day) in a file a snapshot held as it is since `seen`.
 */
export function provenAfter(
  started: string | null,
  day: string | null | undefined,
  seen: string | undefined,
): boolean {
  if (!started) return false;
  if (day && day < started.slice(0, 10)) return true;
  return seen !== undefined && seen < started;
}

/** Whether session `started` (ISO) provably comes after line `line` of `path` was written. */
export function sessionAfterLine(order: SessionOrder, started: string, path: string, line: number): boolean {
  return provenAfter(started, order.writtenOn.get(path)?.get(line), order.seenSince.get(path));
}

/**
 * Null when some cited session came after every non-blank line in `lines` of `path`; otherwise why not.
 * Blank lines carry no claim.
 */
export function sessionsAfter(
  order: SessionOrder,
  sessions: readonly string[],
  path: string,
  lines: { line: number; text: string }[],
): string | null {
  const starts = sessions.map((s) => order.startedAt.get(s) ?? null).filter((s): s is string => s !== null);
  if (!starts.length) return `no cited session has a time, so none is known to come after ${path}`;
  const latest = starts.sort().at(-1) ?? "";
  for (const l of lines) {
    if (!l.text.trim()) continue;
    if (!sessionAfterLine(order, latest, path, l.line))
      return `${path}:${l.line} is not known to be older than session ${sessions.join(", ")} (${latest}): the note may be the newer word`;
  }
  return null;
}
