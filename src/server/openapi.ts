import { z } from "zod";
import { manifestSchema } from "../manifest.ts";

const startBody = z.object({
  now: z
    .string()
    .describe(
      "ISO 8601 date-time: the dream's logical time, from 2000-01-01 to one day after the server clock",
    )
    .optional(),
  instructions: z
    .string()
    .max(4096)
    .describe(
      "The owner's instructions steering this dream, instead of DREAMD_INSTRUCTIONS (≤ 4096 characters); `focus: <glob>…` / `leave: <glob>…` lines limit which memory paths may change, enforced by code",
    )
    .optional(),
});
const errorSchema = { type: "object", properties: { error: { type: "string" } }, required: ["error"] };
const error = (description: string) => ({
  description,
  content: { "application/json": { schema: errorSchema } },
});
const json = (description: string, schema: object = { type: "object" }) => ({
  description,
  content: { "application/json": { schema } },
});
const idParam = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", pattern: "^\\d{8}T\\d{6}Z-[0-9a-f]{6}$" },
};
const summarySchema = {
  oneOf: [
    {
      type: "object",
      properties: {
        id: { type: "string" },
        status: { const: "complete" },
        createdAt: { type: "string" },
        engine: { type: "string" },
        operations: { type: "integer" },
        refused: { type: "integer" },
        changed: { type: "integer" },
        problems: { type: "integer" },
      },
      required: ["id", "status", "createdAt", "engine", "operations", "refused", "changed", "problems"],
    },
    {
      type: "object",
      description: "A proposal whose manifest cannot be read; it can still be discarded.",
      properties: { id: { type: "string" }, status: { const: "broken" }, reason: { type: "string" } },
      required: ["id", "status", "reason"],
    },
  ],
};

/** Answers any route may give: the Host check (not on the probes), the URL limit, unexpected errors. */
const common = (hostChecked = true) => ({
  ...(hostChecked
    ? { 421: error("Host not served here (misdirected request; see DREAMD_ALLOWED_HOSTS)") }
    : {}),
  414: error("URI too long (over 8192 characters)"),
  500: error("internal error: the answer carries only an error id; the server log has the details"),
});
/** The token, as a bearer header or the dreamd_token cookie. */
const secured = (more: Record<number, object> = {}) => ({
  security: [{ bearer: [] }, { cookie: [] }],
  responses: { 401: error("no valid token"), ...common(), ...more },
});
const mutating = {
  403: error("authenticated by the cookie alone, from another origin (cross-site request)"),
  413: error("request body over DREAMD_MAX_BODY_BYTES"),
};

/** The API, described for clients; the manifest schema comes straight from the zod schema. */
export function openApiDocument(): object {
  const get = (summary: string, responses: Record<number | string, object>, extra: object = {}) => {
    const s = secured();
    return { get: { summary, ...extra, security: s.security, responses: { ...responses, ...s.responses } } };
  };
  const post = (summary: string, responses: Record<number | string, object>, extra: object = {}) => {
    const s = secured(mutating);
    return { summary, ...extra, security: s.security, responses: { ...responses, ...s.responses } };
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "dreamd",
      version: "0.1.0",
      description:
        "Memory-consolidation sidecar: status, review, proposals. Every route except /healthz, /readyz and /metrics answers only the Host names localhost, 127.0.0.1, [::1], DREAMD_API_HOST and DREAMD_ALLOWED_HOSTS (421 otherwise).",
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        cookie: { type: "apiKey", in: "cookie", name: "dreamd_token" },
      },
      schemas: { Manifest: z.toJSONSchema(manifestSchema, { target: "draft-2020-12" }) },
    },
    paths: {
      "/healthz": {
        get: {
          summary: "Liveness (any Host, no token)",
          responses: { 200: json("alive"), ...common(false) },
        },
      },
      "/readyz": {
        get: {
          summary: "Readiness: dirs readable (any Host, no token)",
          responses: { 200: json("ready"), 503: json("not ready"), ...common(false) },
        },
      },
      "/status": {
        get: {
          summary:
            "State, last dream, gate values (lastAttempt.error only with the token: it may name files)",
          responses: { 200: json("status"), ...common() },
        },
      },
      "/dreams": {
        ...get("List proposals, newest first", {
          200: json("proposals", {
            type: "object",
            properties: { dreams: { type: "array", items: summarySchema }, running: {} },
          }),
        }),
        post: post(
          "Start a dream now",
          {
            202: json("started"),
            400: error("bad body, `now` out of range or `instructions` over 4096 characters"),
            409: error("one is running"),
          },
          {
            requestBody: {
              required: false,
              content: { "application/json": { schema: z.toJSONSchema(startBody) } },
            },
          },
        ),
      },
      "/dreams/{id}": get(
        "A proposal's manifest",
        {
          200: json("manifest", { $ref: "#/components/schemas/Manifest" }),
          404: error("no such proposal"),
          422: json("the proposal's manifest cannot be read", {
            type: "object",
            properties: {
              error: { type: "string" },
              status: { const: "broken" },
              reason: { type: "string" },
            },
          }),
        },
        { parameters: [idParam] },
      ),
      "/dreams/{id}/diff": get(
        "Unified diff, memory → proposal",
        { 200: { description: "diff", content: { "text/x-diff": {} } }, 404: error("no such proposal") },
        { parameters: [idParam] },
      ),
      "/dreams/{id}/files/{path}": get(
        "A file of the proposed store",
        { 200: { description: "file" }, 400: error("path outside the store"), 404: error("no such file") },
        { parameters: [idParam, { name: "path", in: "path", required: true, schema: { type: "string" } }] },
      ),
      "/dreams/{id}/cancel": {
        post: post(
          "Cancel the running dream",
          { 202: json("cancelling"), 404: error("no such dream"), 409: error("not running") },
          { parameters: [idParam] },
        ),
      },
      "/dreams/{id}/discard": {
        post: post(
          "Delete a proposal, broken ones too (memory is untouched)",
          { 200: json("discarded"), 404: error("no such proposal"), 409: error("it is running") },
          { parameters: [idParam] },
        ),
      },
      "/dreams/{id}/review": {
        ...get(
          "Each operation's review state: pending, accepted or rejected, with who, when, why; and the dream's applies and their reverts, each operation's result (applied, conflict, skipped)",
          {
            200: json("operations"),
            404: error("no such proposal"),
          },
          { parameters: [idParam] },
        ),
        post: post(
          'Record decisions: {accept, reject} as ids, "all", or {rule, confidence}; optional by, comment. Append-only',
          {
            200: json("counts"),
            400: error("bad body or an unknown operation id"),
            404: error("no such proposal"),
          },
          { parameters: [idParam] },
        ),
      },
      "/dreams/{id}/apply": {
        post: post(
          "Apply the accepted operations ({operations} narrows) after a rollback snapshot; conflicts by id with why",
          {
            200: json("results"),
            404: error("no such proposal"),
            409: error("the dream lock is held, or memory is not writable (review-only)"),
          },
          { parameters: [idParam] },
        ),
      },
      "/dreams/{id}/revert": {
        post: post(
          "Undo an apply ({apply}, default the dream's newest) or some of its operations ({operations}); what the agent wrote since stays",
          {
            200: json("results"),
            404: error("no apply of this dream"),
            409: error("the dream lock is held, or memory is not writable"),
          },
          { parameters: [idParam] },
        ),
      },
      "/rollback": {
        post: post(
          "Roll memory back to a snapshot ({snapshot}: its file name; dryRun previews; force discards the agent's writes since)",
          {
            200: json("preview and result"),
            400: error("bad body"),
            404: error("no such snapshot"),
            409: error(
              "refused: the agent's writes without force, a failed verification, the lock held, or memory not writable",
            ),
          },
        ),
      },
      "/applies": get("The apply log: every apply with each operation's result and the files it changed", {
        200: json("applies"),
      }),
      "/events": get("Server-sent events: dream started/finished and phase changes", {
        200: { description: "text/event-stream" },
        429: {
          ...error("DREAMD_MAX_EVENT_STREAMS streams are open"),
          headers: { "Retry-After": { schema: { type: "integer" } } },
        },
      }),
      "/metrics": {
        get: {
          summary: "Prometheus metrics (any Host, no token)",
          responses: { 200: { description: "text/plain; version=0.0.4" }, ...common(false) },
        },
      },
      "/openapi.json": {
        get: { summary: "This document", responses: { 200: json("OpenAPI 3.1"), ...common() } },
      },
    },
  };
}
