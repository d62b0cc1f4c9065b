import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { jsx as h } from "hono/jsx";
import { secureHeaders } from "hono/secure-headers";
import { baseOf } from "../../apply/anchor.ts";
import type { ReviewPort } from "../../apply/port.ts";
import type { Selection } from "../../apply/review-log.ts";
import type { DreamRunner } from "../../dream/runner.ts";
import { BusyError, ConfigError, errorMessage, PathError } from "../../errors.ts";
import { DREAM_ID } from "../../proposal/dream-id.ts";
import type { Proposals } from "../../proposal/proposals.ts";
import type { Gates } from "../../schedule/gates.ts";
import type { Decision } from "../../schedule/scheduler.ts";
import type { State } from "../../state/state.ts";
import { plural } from "../../text/plural.ts";
import { appliesPage, rollbackPage } from "./applies-page.ts";
import { SCRIPT, STYLE } from "./assets.ts";
import { dashboardPage, type Triggers } from "./dashboard-page.ts";
import { dreamPage } from "./dream-page.ts";
import { setFlash, takeFlash } from "./flash.ts";
import { headingPath } from "./heading-path.ts";
import { type Flash, page } from "./layout.ts";
import { loginPage } from "./login-page.ts";
import { SESSION_COOKIE, SESSION_SECONDS, type Sessions } from "./session.ts";
import { sourcePage } from "./source-page.ts";
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

const OP_ID = /^op-\d{3,}$/;
const ANCHOR = /^[\w-]{1,120}$/;
/** Pages an anonymous browser may load: the login form and what it needs. */
const OPEN = new Set(["/ui/login", "/ui/style.css", "/ui/app.js"]);

/** The review page's own policy: its stylesheet, script, event stream and forms, from this origin only. */
const uiHeaders = secureHeaders({
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

export { uiHeaders };

const https = (c: Context) => new URL(c.req.url).protocol === "https:";
const field = (form: Record<string, unknown>, name: string) =>
  typeof form[name] === "string" ? (form[name] as string) : undefined;

/** The review web page (issue 15): server-rendered forms over the same ReviewPort and runner as the API. */
export function uiRoutes(app: Hono, deps: UiDeps): void {
  const { review, proposals, runner, sessions } = deps;
  const sessionOf = (c: Context) => sessions.verify(getCookie(c, SESSION_COOKIE));
  const csrfOf = (c: Context) => sessions.csrf(sessionOf(c) ?? "");
  const back = (c: Context, to: string, flash?: Flash) => {
    if (flash) setFlash(c, { ...flash, text: deps.redact(flash.text) });
    return c.redirect(to, 303);
  };
  const notFound = (c: Context, what: string) =>
    c.html(page({ title: "Not found", csrf: csrfOf(c), body: what }), 404);

  app.get("/", (c) => c.redirect("/ui", 302));
  app.get("/ui/style.css", (c) => c.body(STYLE, 200, { "content-type": "text/css; charset=utf-8" }));
  app.get("/ui/app.js", (c) => c.body(SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" }));

  app.use("/ui/*", async (c, next) => {
    if (OPEN.has(c.req.path)) return next();
    const sid = sessionOf(c);
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
      if (!sessions.csrfOk(sid, field(form, "csrf"))) {
        return c.html(
          page({
            title: "Forbidden",
            csrf: sessions.csrf(sid),
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
    setCookie(c, SESSION_COOKIE, sessions.issue(), {
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
    return back(c, "/ui/login", { kind: "info", text: "Logged out." });
  });

  app.get("/ui", async (c) => {
    const state = await deps.state();
    const [gates, dreams, refusal] = await Promise.all([
      deps.gates(state),
      proposals.list(),
      review.applyRefusal(),
    ]);
    return c.html(
      dashboardPage({
        csrf: csrfOf(c),
        flash: takeFlash(c),
        runner: runner.status(),
        state,
        gates,
        triggers: deps.triggers ?? null,
        scheduler: deps.scheduler?.() ?? null,
        autonomy: deps.autonomy,
        refusal,
        dreams,
      }),
    );
  });
  app.post("/ui/dreams", async (c) => {
    try {
      const { dreamId } = await runner.start();
      return back(c, "/ui", { kind: "info", text: `Dream ${dreamId} started.` });
    } catch (err) {
      if (err instanceof BusyError) return back(c, "/ui", { kind: "error", text: err.message });
      throw err;
    }
  });
  app.post("/ui/dreams/:id/cancel", (c) => {
    const id = c.req.param("id");
    return runner.cancel(id)
      ? back(c, "/ui", { kind: "info", text: `Dream ${id} cancelled.` })
      : back(c, "/ui", { kind: "error", text: "That dream is not running." });
  });

  app.get("/ui/dreams/:id", async (c) => {
    const id = c.req.param("id");
    if (!DREAM_ID.test(id)) return notFound(c, "No such dream.");
    const summary = await proposals.summary(id);
    if (summary?.status === "broken") return notFound(c, `Dream ${id} is broken: ${summary.reason}`);
    const manifest = summary && (await proposals.manifest(id));
    const st = manifest && (await review.get(id));
    if (!manifest || !st) return notFound(c, "No such dream.");
    const [refusal, applies, bases] = await Promise.all([
      review.applyRefusal(),
      review.applies(),
      baseFiles(
        proposals,
        id,
        manifest.operations.flatMap((o) => o.changes),
      ),
    ]);
    return c.html(
      dreamPage({
        csrf: csrfOf(c),
        flash: takeFlash(c),
        manifest,
        states: new Map(st.operations.map(({ id: op, ...s }) => [op, s])),
        refusal,
        running: runner.status().current?.dreamId === id,
        applies: applies.filter((a) => a.dreamId === id),
        headings: (path, line) => {
          const lines = bases.get(path);
          return lines ? headingPath(lines, line) : null;
        },
      }),
    );
  });
  app.post("/ui/dreams/:id/review", async (c) => {
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    const decision = field(form, "decision");
    const anchor = field(form, "back");
    const to = `/ui/dreams/${encodeURIComponent(id)}${anchor && ANCHOR.test(anchor) ? `#${anchor}` : ""}`;
    if (decision !== "accept" && decision !== "reject")
      return back(c, to, { kind: "error", text: "Choose accept or reject." });
    let sel: Selection;
    const select = field(form, "select");
    if (select === "certain") sel = { confidence: "certain" };
    else if (select === "pending") {
      const st = await review.get(id);
      if (!st) return notFound(c, "No such dream.");
      sel = { ids: st.operations.filter((o) => o.state === "pending").map((o) => o.id) };
      if (select === "pending" && !sel.ids?.length)
        return back(c, to, { kind: "info", text: "Nothing is pending." });
    } else {
      const ids = (field(form, "ops") ?? "").split(",").filter(Boolean);
      if (!ids.length || ids.length > 10_000 || !ids.every((x) => OP_ID.test(x)))
        return back(c, to, { kind: "error", text: "Name the operations to decide." });
      sel = { ids };
    }
    try {
      const by = "review page";
      const r = await review.decide(id, decision === "accept" ? { accept: sel, by } : { reject: sel, by });
      if (!r) return notFound(c, "No such dream.");
      const what =
        sel.ids?.length === 1
          ? sel.ids[0]
          : select === "certain"
            ? "all certain"
            : `${sel.ids?.length ?? 0} operations`;
      return back(c, to, {
        kind: "info",
        text: `${what} ${decision}ed: ${r.accepted} accepted, ${r.rejected} rejected, ${r.pending} pending.`,
      });
    } catch (err) {
      if (err instanceof Error && err.message.startsWith("no such operation"))
        return back(c, to, { kind: "error", text: err.message });
      throw err;
    }
  });
  app.post("/ui/dreams/:id/apply", async (c) => {
    const id = c.req.param("id");
    const to = `/ui/dreams/${encodeURIComponent(id)}`;
    try {
      const r = await review.apply(id, { by: "review page" });
      if (!r) return notFound(c, "No such dream.");
      const n = (s: string) => r.results.filter((x) => x.status === s);
      const conflicts = n("conflict").map((x) => `${x.op} (${x.reason ?? "conflict"})`);
      return back(c, `/ui/applies#${r.applyId}`, {
        kind: conflicts.length ? "error" : "info",
        text: `Apply ${r.applyId}: ${n("applied").length} applied, ${plural(r.changed.length, "file")} changed${conflicts.length ? `; conflicts: ${conflicts.join("; ")}` : ""}. Rollback point: ${r.snapshot}.`,
      });
    } catch (err) {
      if (err instanceof BusyError || err instanceof ConfigError)
        return back(c, to, { kind: "error", text: err.message });
      throw err;
    }
  });
  app.post("/ui/dreams/:id/discard", async (c) => {
    const id = c.req.param("id");
    if (runner.status().current?.dreamId === id)
      return back(c, `/ui/dreams/${encodeURIComponent(id)}`, {
        kind: "error",
        text: `Dream ${id} is running: cancel it first.`,
      });
    return (await proposals.discard(id))
      ? back(c, "/ui", { kind: "info", text: `Dream ${id} discarded (memory untouched).` })
      : notFound(c, "No such dream.");
  });

  app.get("/ui/dreams/:id/source", async (c) => {
    const id = c.req.param("id");
    const path = c.req.query("path") ?? "";
    const manifest = DREAM_ID.test(id) ? await proposals.manifest(id) : null;
    if (!manifest?.base.files.some((f) => f.path === path)) return notFound(c, "No such file in this dream.");
    const lines = (
      await baseFiles(
        proposals,
        id,
        manifest.operations.flatMap((o) => o.changes),
        [path],
      )
    ).get(path);
    if (!lines) return notFound(c, "That file is not in the proposal's store.");
    return c.html(
      sourcePage({
        csrf: csrfOf(c),
        dreamId: id,
        title: `${path} as dream ${id} read it`,
        rows: lines.map((text, i) => ({ id: `L${i + 1}`, label: String(i + 1), text })),
      }),
    );
  });
  app.get("/ui/dreams/:id/session", async (c) => {
    const id = c.req.param("id");
    const path = c.req.query("path") ?? "";
    const manifest = DREAM_ID.test(id) ? await proposals.manifest(id) : null;
    if (!manifest?.sessions.some((s) => s.id === path)) return notFound(c, "No such session in this dream.");
    const messages = await deps.transcript?.(path);
    if (!messages)
      return notFound(c, "That session cannot be read now (moved, removed, or no sessions dir).");
    return c.html(
      sourcePage({
        csrf: csrfOf(c),
        dreamId: id,
        title: `Session ${path}`,
        rows: messages.map((m) => ({ id: `m-${m.index}`, label: `${m.index} ${m.role}`, text: m.text })),
      }),
    );
  });

  app.get("/ui/applies", async (c) => {
    const [applies, snapshots, refusal] = await Promise.all([
      review.applies(),
      review.snapshots(),
      review.applyRefusal(),
    ]);
    return c.html(appliesPage({ csrf: csrfOf(c), flash: takeFlash(c), applies, snapshots, refusal }));
  });
  app.post("/ui/revert", async (c) => {
    const form = await c.req.parseBody();
    const dream = field(form, "dream") ?? "";
    const apply = field(form, "apply") ?? "";
    const op = field(form, "op");
    if (!DREAM_ID.test(dream) || !/^[\w-]{1,64}$/.test(apply) || (op !== undefined && !OP_ID.test(op)))
      return back(c, "/ui/applies", { kind: "error", text: "Name an apply to revert." });
    try {
      const r = await review.revert(dream, { apply, by: "review page", ...(op ? { operations: [op] } : {}) });
      if (!r) return back(c, "/ui/applies", { kind: "error", text: "No apply of this dream to revert." });
      const conflicts = r.results.filter((x) => x.status === "conflict");
      return back(c, `/ui/applies#${r.applyId}`, {
        kind: conflicts.length ? "error" : "info",
        text: `Revert ${r.applyId} of ${op ?? apply}: ${plural(r.changed.length, "file")} changed${conflicts.length ? `; conflicts: ${conflicts.map((x) => `${x.op} (${x.reason ?? ""})`).join("; ")}` : ""}.`,
      });
    } catch (err) {
      if (err instanceof BusyError || err instanceof ConfigError)
        return back(c, "/ui/applies", { kind: "error", text: err.message });
      throw err;
    }
  });
  app.get("/ui/rollback", async (c) => {
    const snapshot = c.req.query("snapshot") ?? "";
    try {
      const r = await review.rollback({ snapshot, dryRun: true, by: "review page" });
      if (!r) return notFound(c, "No such snapshot.");
      return c.html(
        rollbackPage({
          csrf: csrfOf(c),
          flash: takeFlash(c),
          snapshot,
          preview: r.preview,
          refusal: await review.applyRefusal(),
        }),
      );
    } catch (err) {
      if (err instanceof BusyError || err instanceof ConfigError)
        return back(c, "/ui/applies", { kind: "error", text: err.message });
      throw err;
    }
  });
  app.post("/ui/rollback", async (c) => {
    const form = await c.req.parseBody();
    const snapshot = field(form, "snapshot") ?? "";
    const force = field(form, "force") === "1";
    const preview = `/ui/rollback?snapshot=${encodeURIComponent(snapshot)}`;
    try {
      const r = await review.rollback({ snapshot, by: "review page", ...(force ? { force: true } : {}) });
      if (!r) return back(c, "/ui/applies", { kind: "error", text: "No such snapshot." });
      if (!r.record)
        return back(c, preview, {
          kind: "error",
          text: "Nothing rolled back: confirm discarding the agent's writes first.",
        });
      return back(c, `/ui/applies#${r.record.applyId}`, {
        kind: "info",
        text: `Rolled back to ${snapshot}: ${plural(r.record.changed.length, "file")} changed. Undo: roll back to ${r.undo ?? "(no snapshot)"}.`,
      });
    } catch (err) {
      if (err instanceof BusyError || err instanceof ConfigError)
        return back(c, preview, { kind: "error", text: err.message });
      throw err;
    }
  });
}

/** Each file's lines as the dream read it (the store with its changes undone); absent when unreadable. */
async function baseFiles(
  proposals: Proposals,
  id: string,
  changes: { path: string; startLine: number; endLine: number; before: string[]; after: string[] }[],
  only?: string[],
): Promise<Map<string, string[]>> {
  const paths = only ?? [...new Set(changes.map((c) => c.path))];
  const out = new Map<string, string[]>();
  await Promise.all(
    paths.map(async (path) => {
      let data: Buffer | null;
      try {
        data = await proposals.file(id, path);
      } catch (err) {
        if (err instanceof PathError) return;
        throw new Error(`cannot read ${path} of the proposal: ${errorMessage(err)}`);
      }
      const text = data?.toString("utf8") ?? "";
      const store = text === "" ? [] : text.replace(/\n$/, "").split("\n");
      out.set(
        path,
        baseOf(
          store,
          changes.filter((c) => c.path === path),
        ),
      );
    }),
  );
  return out;
}
