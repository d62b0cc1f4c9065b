import { createHash, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";

/**
 * The API's front door: which Host names it answers (DNS rebinding), who may read memory (token in a
 * header or a cookie), and how many event streams may be open at once.
 */

export const TOKEN_COOKIE = "dreamd_token";

/** The host name of a Host header or URL authority, lower case, without port or trailing dot. */
export function hostnameOf(authority: string): string {
  const a = authority.trim().toLowerCase();
  if (a.startsWith("[")) {
    const end = a.indexOf("]");
    return end === -1 ? a : a.slice(0, end + 1);
  }
  return a.replace(/:\d*$/, "").replace(/\.$/, "");
}

const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::", "[::]"]);

/** A Host check: loopback names, the configured listen address, and `extra` (comma-separated, `*.suffix`). */
export function hostAllowList(apiHost: string, extra: string): (authority: string) => boolean {
  const exact = new Set(["localhost", "127.0.0.1", "[::1]"]);
  const suffixes: string[] = [];
  const listen = hostnameOf(apiHost.includes(":") && !apiHost.startsWith("[") ? `[${apiHost}]` : apiHost);
  if (!WILDCARD_ADDRESSES.has(listen)) exact.add(listen);
  for (const raw of extra.split(",")) {
    const name = raw.trim().toLowerCase();
    if (!name) continue;
    // A wildcard matches sub-domains only: "*.svc.local" lets in "a.svc.local", not "svc.local".
    if (name.startsWith("*.")) suffixes.push(name.slice(1));
    else exact.add(hostnameOf(name));
  }
  return (authority) => {
    const name = hostnameOf(authority);
    return exact.has(name) || suffixes.some((s) => name.length > s.length && name.endsWith(s));
  };
}

/**
 * 421 for a Host this server does not answer to. Both the Host header and the request URL are checked
 * (an absolute-form request target carries its own authority).
 */
export function requireAllowedHost(allowed: (authority: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("host");
    const urlHost = new URL(c.req.url).host;
    if ((header !== undefined && !allowed(header)) || !allowed(urlHost)) {
      return c.json(
        { error: "misdirected request: this Host is not served here (see DREAMD_ALLOWED_HOSTS)" },
        421,
      );
    }
    await next();
  };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

export type TokenCheck = (c: Context) => "bearer" | "cookie" | null;

/** Whether `given` is the token, compared in constant time (digests of equal length). */
export function sameToken(token: string): (given: string | undefined) => boolean {
  const want = digest(token);
  return (given) => Boolean(given) && timingSafeEqual(digest(given ?? ""), want);
}

/**
 * How a request proved it holds the token, compared in constant time for header and cookie alike.
 * `session` also accepts the review page's login cookie, which stands for the token without being it.
 */
export function tokenCheck(token: string, session?: (c: Context) => boolean): TokenCheck {
  const same = sameToken(token);
  return (c) => {
    const m = /^Bearer\s+(\S.*)$/i.exec(c.req.header("authorization") ?? "");
    if (same(m?.[1]?.trim())) return "bearer";
    if (same(getCookie(c, TOKEN_COOKIE))) return "cookie";
    if (session?.(c)) return "cookie";
    return null;
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/**
 * 401 without the token. A browser attaches a cookie to cross-site requests too, so a state-changing
 * request authenticated only by the cookie must also show it comes from this origin (403 otherwise).
 */
export function requireToken(check: TokenCheck): MiddlewareHandler {
  return async (c, next) => {
    const how = check(c);
    if (!how) {
      c.header("WWW-Authenticate", 'Bearer realm="dreamd"');
      return c.json(
        { error: `unauthorized: send Authorization: Bearer <token> or the ${TOKEN_COOKIE} cookie` },
        401,
      );
    }
    if (how === "cookie" && !SAFE_METHODS.has(c.req.method) && !sameOrigin(c)) {
      return c.json({ error: "forbidden: a cookie-authenticated request must come from this origin" }, 403);
    }
    await next();
  };
}

function sameOrigin(c: Context): boolean {
  if (c.req.header("sec-fetch-site") === "same-origin") return true;
  const origin = c.req.header("origin");
  if (!origin || origin === "null") return false;
  try {
    return new URL(origin).host === (c.req.header("host") ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}

export interface Slots {
  /** A release function, or null when every slot is taken. Releasing twice frees one slot. */
  take(): (() => void) | null;
  inUse(): number;
}

/** A counting limit (open /events streams). */
export function slots(max: number): Slots {
  let used = 0;
  return {
    take() {
      if (used >= max) return null;
      used++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        used--;
      };
    },
    inUse: () => used,
  };
}

/** 414 for a request target longer than `max` characters, before routing or touching the filesystem. */
export function limitUrlLength(max: number): MiddlewareHandler {
  return async (c, next) => {
    // The path and query as sent; the origin part is the server's own.
    const url = c.req.url;
    const target = url.length - new URL(url).origin.length;
    if (target > max) return c.json({ error: `URI too long: at most ${max} characters` }, 414);
    await next();
  };
}
