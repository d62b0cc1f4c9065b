import type { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { jsx as h } from "hono/jsx";
import { secureHeaders } from "hono/secure-headers";
import { SCRIPT, STYLE } from "./assets.ts";
import { takeFlash } from "./flash.ts";
import { page } from "./layout.ts";
import { loginPage } from "./login-page.ts";
import { SESSION_COOKIE, SESSION_SECONDS } from "./session.ts";
import { field, https, type Kit, type UiDeps } from "./ui-kit.ts";

/** Pages an anonymous browser may load: the login form and what it needs. */
const OPEN = new Set(["/ui/login", "/ui/style.css", "/ui/app.js"]);

/** The review page's own policy: its stylesheet, script, event stream and forms, from this origin only. */
export const uiHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'self'"],
    scriptSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  strictTransportSecurity: false,
});

/**
 * The front door of the review page: the stylesheet and script, the login (the API token, compared in
 * constant time, traded for a session cookie), the logout, and the guard every other /ui route is behind:
 * a session to see anything, and that session's CSRF token on every POST.
 */
export function uiAuth(app: Hono, deps: UiDeps, kit: Kit): void {
  app.get("/", (c) => c.redirect("/ui", 302));
  app.get("/ui/style.css", (c) => c.body(STYLE, 200, { "content-type": "text/css; charset=utf-8" }));
  app.get("/ui/app.js", (c) => c.body(SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" }));

  app.use("/ui/*", async (c, next) => {
    if (OPEN.has(c.req.path)) return next();
    const sid = kit.sessionOf(c);
    if (!sid) {
      if (c.req.method === "GET") return c.redirect(`/ui/login?next=${encodeURIComponent(c.req.path)}`, 303);
      return c.html(
        page({
          title: "Log in",
          body: ["Your session has ended: ", h("a", { href: "/ui/login" }, "log in again"), "."],
        }),
        401,
      );
    }
    if (c.req.method === "POST") {
      const form = await c.req.parseBody();
      if (!deps.sessions.csrfOk(sid, field(form, "csrf"))) {
        return c.html(
          page({
            title: "Forbidden",
            csrf: deps.sessions.csrf(sid),
            body: "Forbidden: this form did not carry this session's CSRF token. Reload the page and try again.",
          }),
          403,
        );
      }
    }
    return next();
  });

  app.get("/ui/login", (c) => {
    const next = c.req.query("next") ?? "/ui";
    return c.html(loginPage(takeFlash(c), next));
  });
  app.post("/ui/login", async (c) => {
    const form = await c.req.parseBody();
    const raw = field(form, "next") ?? "/ui";
    // Only a page of this UI: never an absolute or protocol-relative URL (an open redirect).
    const next = /^\/ui(\/[\w\-./]*)?$/.test(raw) && !raw.includes("//") ? raw : "/ui";
    if (!deps.isToken(field(form, "token") ?? "")) {
      return c.html(loginPage({ kind: "error", text: "That is not the API token." }, next), 401);
    }
    setCookie(c, SESSION_COOKIE, deps.sessions.issue(), {
      path: "/",
      httpOnly: true,
      sameSite: "Strict",
      secure: https(c),
      maxAge: SESSION_SECONDS,
    });
    return c.redirect(next, 303);
  });
  app.post("/ui/logout", (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: https(c) });
    return kit.back(c, "/ui/login", { kind: "info", text: "Logged out." });
  });
}
