import type { Logger } from "./logger.ts";

/**
 * Secrets (the API token, the Anthropic key) must never reach a log line or an HTTP answer, even when a
 * library puts one into an error message. Secrets shorter than this are not searched for: they would
 * blank out ordinary words, and a secret that short is no secret.
 */
const MIN_SECRET = 6;
export const REDACTED = "[redacted]";

export type Redact = (text: string) => string;

export function redactor(secrets: readonly string[]): Redact {
  const found = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET))].sort(
    (a, b) => b.length - a.length,
  );
  if (found.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const s of found) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}

/** Every string inside a JSON-like value, redacted; other values as they are. */
export function redactDeep<T>(value: T, redact: Redact): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)])) as T;
  }
  if (value instanceof Error) return redact(value.message) as T;
  return value;
}

/** A logger that redacts `secrets` from the message and every string field. */
export function redactingLogger(log: Logger, secrets: readonly string[]): Logger {
  const redact = redactor(secrets);
  const wrap =
    (fn: Logger["info"]): Logger["info"] =>
    (msg, fields) =>
      fn(redact(msg), fields ? redactDeep(fields, redact) : fields);
  return {
    debug: wrap(log.debug),
    info: wrap(log.info),
    warn: wrap(log.warn),
    error: wrap(log.error),
  };
}
