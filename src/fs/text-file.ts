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
