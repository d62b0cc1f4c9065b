import { z } from "zod";
import { manifestSchema } from "./manifest.ts";

const startBody = z.object({
  now: z.string().describe("ISO 8601 date-time: the dream's logical time").optional(),
});
const error = {
  content: { "application/json": { schema: { type: "object", properties: { error: { type: "string" } } } } },
};
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
const secured = { security: [{ bearer: [] }] };

/** The API, described for clients; the manifest schema comes straight from the zod schema. */
export function openApiDocument(): object {
  return {
    openapi: "3.1.0",
    info: {
      title: "dreamd",
      version: "0.1.0",
      description: "Memory-consolidation sidecar: status, review, proposals.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Manifest: z.toJSONSchema(manifestSchema, { target: "draft-2020-12" }) },
    },
    paths: {
      "/healthz": { get: { summary: "Liveness", responses: { 200: json("alive") } } },
      "/readyz": {
        get: {
          summary: "Readiness: dirs readable",
          responses: { 200: json("ready"), 503: json("not ready") },
        },
      },
      "/status": { get: { summary: "State, last dream, gate values", responses: { 200: json("status") } } },
      "/dreams": {
        get: { summary: "List proposals, newest first", responses: { 200: json("proposals") } },
        post: {
          summary: "Start a dream now",
          ...secured,
          requestBody: {
            required: false,
            content: { "application/json": { schema: z.toJSONSchema(startBody) } },
          },
          responses: { 202: json("started"), 400: error, 401: error, 409: error },
        },
      },
      "/dreams/{id}": {
        get: {
          summary: "A proposal's manifest",
          parameters: [idParam],
          responses: { 200: json("manifest", { $ref: "#/components/schemas/Manifest" }), 404: error },
        },
      },
      "/dreams/{id}/diff": {
        get: {
          summary: "Unified diff, memory → proposal",
          parameters: [idParam],
          responses: { 200: { description: "diff", content: { "text/x-diff": {} } }, 404: error },
        },
      },
      "/dreams/{id}/files/{path}": {
        get: {
          summary: "A file of the proposed store",
          parameters: [idParam, { name: "path", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: { description: "file" }, 400: error, 404: error },
        },
      },
      "/dreams/{id}/cancel": {
        post: {
          summary: "Cancel the running dream",
          ...secured,
          parameters: [idParam],
          responses: { 202: json("cancelling"), 401: error, 404: error, 409: error },
        },
      },
      "/dreams/{id}/discard": {
        post: {
          summary: "Delete a proposal (memory is untouched)",
          ...secured,
          parameters: [idParam],
          responses: { 200: json("discarded"), 401: error, 404: error, 409: error },
        },
      },
      "/events": {
        get: {
          summary: "Server-sent events: dream started/finished and phase changes",
          responses: { 200: { description: "text/event-stream" } },
        },
      },
      "/metrics": {
        get: {
          summary: "Prometheus metrics",
          responses: { 200: { description: "text/plain; version=0.0.4" } },
        },
      },
      "/openapi.json": { get: { summary: "This document", responses: { 200: json("OpenAPI 3.1") } } },
    },
  };
}
