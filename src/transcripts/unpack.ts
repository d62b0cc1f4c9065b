import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { errorMessage } from "../errors.ts";
import { binaryReason } from "../fs/text-file.ts";

const gunzipAsync = promisify(gunzip);

const isGzip = (b: Buffer) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * A transcript's bytes as text to sniff: a gzipped one (OpenClaw and others archive old sessions as
 * `<id>.jsonl.gz`) decompressed, never past `max` bytes (a small bomb stays small); anything else as it
 * is. A string says why it cannot be read.
 */
async function unpacked(data: Buffer, max: number): Promise<Buffer | string> {
  if (!isGzip(data)) return data;
  try {
    // On libuv's pool, not the calling thread: the session gate and the review page run on the server's.
    return await gunzipAsync(data, { maxOutputLength: max });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ERR_BUFFER_TOO_LARGE" || /larger than/i.test(e.message))
      return `gzip: over ${max} bytes once decompressed (DREAMD_MAX_TRANSCRIPT_BYTES), not read`;
    return `gzip: ${errorMessage(err)}`;
  }
}

/** A transcript file's text (gunzipped when gzipped, within `max`), or why it has none (binary, bad gzip). */
export async function transcriptText(
  data: Buffer,
  max: number,
): Promise<{ text: string } | { error: string }> {
  const bytes = await unpacked(data, max);
  if (typeof bytes === "string") return { error: bytes };
  const bad = binaryReason(bytes);
  return bad ? { error: bad } : { text: bytes.toString("utf8") };
}
