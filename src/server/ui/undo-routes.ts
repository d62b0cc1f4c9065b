import type { Hono } from "hono";
import { BusyError, ConfigError } from "../../errors.ts";
import { DREAM_ID } from "../../proposal/dream-id.ts";
import { plural } from "../../text/plural.ts";
import { appliesPage, rollbackPage } from "./applies-page.ts";
import { takeFlash } from "./flash.ts";
import { field, type Kit, type UiDeps } from "./ui-kit.ts";

const OP_ID = /^op-\d{3,}$/;

/** Applies and snapshots: the apply log, revert of an apply or one operation, rollback after its dry run. */
export function undoRoutes(app: Hono, deps: UiDeps, kit: Kit): void {
  const { review } = deps;
  const { back, csrfOf, notFound } = kit;
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
