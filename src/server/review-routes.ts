import type { Hono, MiddlewareHandler } from "hono";
import { z } from "zod";
import type { ReviewPort } from "../apply/port.ts";
import { BusyError, ConfigError } from "../errors.ts";
import { jsonBody } from "./json-body.ts";

const ids = z.union([z.literal("all"), z.array(z.string().regex(/^op-\d{3,}$/)).max(10_000)]);
const selection = z.union([
  ids.transform((v) => ({ ids: v })),
  z.strictObject({
    rule: z.string().max(100).optional(),
    confidence: z.enum(["certain", "likely"]).optional(),
  }),
]);
const by = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w .@-]+$/, { error: "letters, digits, space, . @ _ - only" });

export const reviewBody = z.strictObject({
  accept: selection.optional(),
  reject: selection.optional(),
  by: by.optional(),
  comment: z.string().max(2_000).optional(),
});
export const applyBody = z.strictObject({
  operations: z
    .array(z.string().regex(/^op-\d{3,}$/))
    .max(10_000)
    .optional(),
  by: by.optional(),
});

export const revertBody = z.strictObject({
  apply: z
    .string()
    .regex(/^[\w-]{1,64}$/)
    .optional(),
  operations: z
    .array(z.string().regex(/^op-\d{3,}$/))
    .max(10_000)
    .optional(),
  by: by.optional(),
});

export const rollbackBody = z.strictObject({
  /** A snapshot's file name in the snapshots dir, e.g. apply-20260321T090000Z-4f2a1c.tar.gz. */
  snapshot: z.string().min(1).max(200),
  dryRun: z.boolean().optional(),
  force: z.boolean().optional(),
  by: by.optional(),
});

/** POST/GET /dreams/:id/review, POST /dreams/:id/apply, GET /applies (issue 14). */
export function reviewRoutes(app: Hono, auth: MiddlewareHandler, review: ReviewPort): void {
  app.get("/dreams/:id/review", auth, async (c) => {
    const r = await review.get(c.req.param("id"));
    return r ? c.json(r) : c.json({ error: "no such dream" }, 404);
  });
  app.post("/dreams/:id/review", auth, async (c) => {
    const body = await jsonBody(c.req.raw, reviewBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    if (!body.data.accept && !body.data.reject)
      return c.json({ error: "invalid body: name accept and/or reject" }, 400);
    try {
      const r = await review.decide(c.req.param("id"), {
        ...(body.data.accept ? { accept: body.data.accept } : {}),
        ...(body.data.reject ? { reject: body.data.reject } : {}),
        by: body.data.by ?? "api",
        ...(body.data.comment ? { comment: body.data.comment } : {}),
      });
      return r ? c.json(r) : c.json({ error: "no such dream" }, 404);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith("no such operation"))
        return c.json({ error: err.message }, 400);
      throw err;
    }
  });
  app.post("/dreams/:id/apply", auth, async (c) => {
    const body = await jsonBody(c.req.raw, applyBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    try {
      const r = await review.apply(c.req.param("id"), {
        by: body.data.by ?? "api",
        ...(body.data.operations ? { operations: body.data.operations } : {}),
      });
      return r ? c.json(r) : c.json({ error: "no such dream" }, 404);
    } catch (err) {
      if (err instanceof BusyError) return c.json({ error: err.message }, 409);
      // A memory dreamd cannot write: review-only mode, with the fix.
      if (err instanceof ConfigError) return c.json({ error: err.message }, 409);
      throw err;
    }
  });
  app.post("/dreams/:id/revert", auth, async (c) => {
    const body = await jsonBody(c.req.raw, revertBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    try {
      const r = await review.revert(c.req.param("id"), {
        by: body.data.by ?? "api",
        ...(body.data.apply ? { apply: body.data.apply } : {}),
        ...(body.data.operations ? { operations: body.data.operations } : {}),
      });
      return r ? c.json(r) : c.json({ error: "no apply of this dream to revert" }, 404);
    } catch (err) {
      if (err instanceof BusyError || err instanceof ConfigError) return c.json({ error: err.message }, 409);
      throw err;
    }
  });
  app.post("/rollback", auth, async (c) => {
    const body = await jsonBody(c.req.raw, rollbackBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    try {
      const r = await review.rollback({
        snapshot: body.data.snapshot,
        by: body.data.by ?? "api",
        ...(body.data.dryRun ? { dryRun: true } : {}),
        ...(body.data.force ? { force: true } : {}),
      });
      return r ? c.json(r) : c.json({ error: "no such snapshot" }, 404);
    } catch (err) {
      // Refused (the agent's writes without force, a snapshot failing verification), the lock held, or a
      // memory dreamd cannot write.
      if (err instanceof BusyError || err instanceof ConfigError) return c.json({ error: err.message }, 409);
      throw err;
    }
  });
  app.get("/applies", auth, async (c) => c.json({ applies: await review.applies() }));
}
