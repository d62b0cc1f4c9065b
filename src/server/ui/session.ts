import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The review page's login. The cookie is a random session id, its expiry and an HMAC of both under a key
 * that lives only in this process, so the cookie is not the API token (a stolen cookie dies with the
 * process or at expiry, and never opens the Bearer API elsewhere) and nothing is stored server side.
 * The CSRF token is another HMAC of the session id: per session, and unforgeable without the key.
 */

export const SESSION_COOKIE = "dreamd_session";
/** A working day: long enough to review, short enough that a forgotten browser logs itself out. */
export const SESSION_SECONDS = 12 * 3600;

export interface Sessions {
  /** A new session cookie value. */
  issue(): string;
  /** The session id of a valid, unexpired cookie value; null otherwise. */
  verify(cookie: string | undefined): string | null;
  /** The CSRF token every form of this session carries. */
  csrf(sessionId: string): string;
  /** Whether `given` is this session's CSRF token (constant time). */
  csrfOk(sessionId: string, given: string | undefined): boolean;
}

const mac = (key: Buffer, ...parts: string[]) =>
  createHmac("sha256", key).update(parts.join("\0")).digest("base64url");

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createSessions(opts: { key?: Buffer; clock?: () => number } = {}): Sessions {
  const key = opts.key ?? randomBytes(32);
  const clock = opts.clock ?? Date.now;
  return {
    issue() {
      const id = randomBytes(16).toString("base64url");
      const exp = String(Math.floor(clock() / 1000) + SESSION_SECONDS);
      return `${id}.${exp}.${mac(key, "session", id, exp)}`;
    },
    verify(cookie) {
      const [id, exp, sig, extra] = (cookie ?? "").split(".");
      if (!id || !exp || !sig || extra !== undefined || !/^\d{1,12}$/.test(exp)) return null;
      if (!equal(sig, mac(key, "session", id, exp))) return null;
      return Number(exp) * 1000 > clock() ? id : null;
    },
    csrf: (id) => mac(key, "csrf", id),
    csrfOk: (id, given) => typeof given === "string" && equal(given, mac(key, "csrf", id)),
  };
}
