import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { ReviewPort } from "../../apply/port.ts";
import type { DreamRunner } from "../../dream/runner.ts";
import type { Proposals } from "../../proposal/proposals.ts";
import type { Gates } from "../../schedule/gates.ts";
import type { Decision } from "../../schedule/scheduler.ts";
import type { State } from "../../state/state.ts";
import type { Triggers } from "./dashboard-page.ts";
import { setFlash } from "./flash.ts";
import { type Flash, page } from "./layout.ts";
import { SESSION_COOKIE, type Sessions } from "./session.ts";
import type { TranscriptView } from "./transcript-view.ts";

export interface UiDeps {
  runner: DreamRunner;
  proposals: Proposals;
  review: ReviewPort;
  sessions: Sessions;
  /** Whether a login form's token is the API token (constant time). */
  isToken: (given: string) => boolean;
  state(): Promise<State>;
  gates(state: State): Promise<Gates>;
  scheduler?: () => { enabled: boolean; last: Decision | null };
  autonomy: string;
  triggers?: Triggers;
  transcript?: TranscriptView;
  /** Error text shown in a flash never carries a secret. */
  redact: (s: string) => string;
}

export const https = (c: Context) => new URL(c.req.url).protocol === "https:";
export const field = (form: Record<string, unknown>, name: string) =>
  typeof form[name] === "string" ? (form[name] as string) : undefined;

/** What every page route needs: the session's CSRF token, post/redirect/get with a flash, a 404 page. */
export interface Kit {
  sessionOf(c: Context): string | null;
  csrfOf(c: Context): string;
  back(c: Context, to: string, flash?: Flash): Response;
  notFound(c: Context, what: string): Response | Promise<Response>;
}

export function routeKit(deps: UiDeps): Kit {
  const sessionOf = (c: Context) => deps.sessions.verify(getCookie(c, SESSION_COOKIE));
  const csrfOf = (c: Context) => deps.sessions.csrf(sessionOf(c) ?? "");
  return {
    sessionOf,
    csrfOf,
    back(c, to, flash) {
      if (flash) setFlash(c, { ...flash, text: deps.redact(flash.text) });
      return c.redirect(to, 303);
    },
    notFound: (c, what) => c.html(page({ title: "Not found", csrf: csrfOf(c), body: what }), 404),
  };
}
