import { constants } from "node:fs";
import { open } from "node:fs/promises";

/** Why a file's bytes are not usable as text, or null when they are (UTF-8 without NUL bytes). */
export function binaryReason(buf: Uint8Array): string | null {
  if (buf.includes(0)) return "binary content (NUL byte)";
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    return "binary content (invalid UTF-8)";
  }
  return null;
}

export type ReadResult =
  | { ok: true; data: Buffer; size: number; mtimeMs: number }
  | { ok: false; error: string; size: number; mtimeMs: number };

/**
 * Read a regular file without following a symlink at its last component (O_NOFOLLOW), refusing
 * anything larger than `maxBytes` before reading it.
 */
export async function readRegularFile(abs: string, maxBytes: number): Promise<ReadResult> {
  const fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { ok: false, error: "not a regular file", size: st.size, mtimeMs: st.mtimeMs };
    if (st.size > maxBytes) {
      return {
        ok: false,
        error: `too large (${st.size} bytes > ${maxBytes})`,
        size: st.size,
        mtimeMs: st.mtimeMs,
      };
    }
    const data = await fh.readFile();
    return { ok: true, data, size: data.length, mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}
