import type { Hono } from "hono";
import type { Selection } from "../../apply/review-log.ts";
import { BusyError, ConfigError } from "../../errors.ts";
import { DREAM_ID } from "../../proposal/dream-id.ts";
import { plural } from "../../text/plural.ts";
import { baseFiles } from "./base-files.ts";
import { dashboardPage } from "./dashboard-page.ts";
import { dreamPage } from "./dream-page.ts";
import { takeFlash } from "./flash.ts";
import { headingPath } from "./heading-path.ts";
import { sourcePage } from "./source-page.ts";
import { uiAuth } from "./ui-auth.ts";
import { field, routeKit, type UiDeps } from "./ui-kit.ts";
import { undoRoutes } from "./undo-routes.ts";

export { uiHeaders } from "./ui-auth.ts";
export type { UiDeps } from "./ui-kit.ts";

const OP_ID = /^op-\d{3,}$/;
const ANCHOR = /^[\w-]{1,120}$/;

/** The review web page (issue 15): server-rendered forms over the same ReviewPort and runner as the API. */
export function uiRoutes(app: Hono, deps: UiDeps): void {
  const { review, proposals, runner } = deps;
  const kit = routeKit(deps);
  const { back, csrfOf, notFound } = kit;
  uiAuth(app, deps, kit);

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

  undoRoutes(app, deps, kit);
}
