import { errorMessage } from "../errors.ts";
import { SNIFF_BYTES } from "./records.ts";
import type { FormatRegistry } from "./registry.ts";
import type { ParsedSession, TranscriptFormat } from "./session.ts";

export type TranscriptRead =
  | { ok: true; format: TranscriptFormat; parsed: ParsedSession; problems: string[] }
  | { ok: false; error: string };

/** The first SNIFF_BYTES of a text, not cutting a UTF-16 surrogate pair in two. */
export const headOf = (text: string) => text.slice(0, SNIFF_BYTES);

/**
 * Sniff a transcript's content, parse it with the format that claims it, and say what was not usable:
 * a file no format claims gets the reason of the closest one (its parse error), never silence; a partly
 * broken file keeps its good messages, its bad records summed up in one problem ("3 of 120 lines
 * unusable: line 2: invalid JSON; …") so a file of a thousand bad lines is one line of the manifest.
 */
export function readTranscript(registry: FormatRegistry, text: string, file: string): TranscriptRead {
  const { format, closest } = registry.detect(headOf(text), file);
  if (!format) {
    if (!closest) return { ok: false, error: "no transcript format recognises its content" };
    let why = "not claimed by its sniff";
    try {
      closest.parse(text, file);
    } catch (err) {
      why = errorMessage(err);
    }
    return {
      ok: false,
      error: `no transcript format recognises its content (closest: ${closest.name}: ${why})`,
    };
  }
  let parsed: ParsedSession;
  try {
    parsed = format.parse(text, file);
  } catch (err) {
    return { ok: false, error: `${format.name}: ${errorMessage(err)}` };
  }
  return { ok: true, format, parsed, problems: warningProblems(parsed) };
}

const SHOWN = 3;

/** The warnings of a parsed session as problems: each one when few, else one summary naming the first. */
export function warningProblems(parsed: ParsedSession): string[] {
  const w = parsed.warnings;
  if (w.length <= SHOWN) return w;
  const of = parsed.records ? ` of ${parsed.records.count} ${parsed.records.unit}` : "";
  return [`${w.length}${of} unusable, the rest kept: ${w.slice(0, SHOWN).join("; ")}; …`];
}
