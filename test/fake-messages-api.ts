import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

/**
 * A stand-in for the Anthropic Messages API on 127.0.0.1, for tests: each request is answered by a
 * script. It counts tokens the way the real API reports them, caching included: a system prefix seen
 * before is a cache read, a new one a cache write.
 */
export interface FakeReply {
  /** A raw body instead of JSON (e.g. a truncated, malformed response). */
  raw?: string;
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  delayMs?: number;
}
export type Script = (body: MessagesBody, n: number) => FakeReply;

export interface MessagesBody {
  model: string;
  max_tokens: number;
  system?: { type: string; text: string; cache_control?: unknown }[];
  messages: { role: string; content: unknown }[];
  tools?: { name: string }[];
  tool_choice?: { type: string; name?: string };
  temperature?: number;
  top_p?: number;
  top_k?: number;
}

/** The tool a request offers (dreamd offers one per call: propose or extract). */
export const toolOf = (body: MessagesBody): string | undefined => body.tools?.[0]?.name;

/**
 * What the current models refuse with a 400, as the Claude Sonnet 5.5 migration guide lists: a forced
 * tool choice and sampling parameters. The fake refuses them too, so a request the real API would
 * reject fails here first.
 */
function refusedByModel(body: MessagesBody): string | null {
  if (body.tool_choice && body.tool_choice.type !== "auto" && body.tool_choice.type !== "none") {
    return `tool_choice.type "${body.tool_choice.type}" is not supported for this model`;
  }
  for (const p of ["temperature", "top_p", "top_k"] as const) {
    if (body[p] !== undefined) return `${p} is not supported for this model`;
  }
  return null;
}

export interface FakeApi {
  url: string;
  requests: MessagesBody[];
  totals: { input: number; cacheRead: number; cacheWrite: number; output: number };
  close(): Promise<void>;
}

const tokens = (s: string) => Math.ceil(s.length / 4);

export async function startFakeApi(script: Script): Promise<FakeApi> {
  const requests: MessagesBody[] = [];
  const cached = new Set<string>();
  const totals = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
  const app = new Hono();
  app.post("/v1/messages", async (c) => {
    const body = (await c.req.json()) as MessagesBody;
    requests.push(body);
    const refused = refusedByModel(body);
    if (refused) {
      return c.json({ type: "error", error: { type: "invalid_request_error", message: refused } }, 400);
    }
    const reply = script(body, requests.length - 1);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    const status = reply.status ?? 200;
    if (reply.raw !== undefined)
      return new Response(reply.raw, { status, headers: { "content-type": "application/json" } });
    if (status !== 200) {
      const error = reply.json ?? {
        type: "error",
        error: { type: "overloaded_error", message: "Overloaded" },
      };
      return new Response(JSON.stringify(error), {
        status,
        headers: { "content-type": "application/json", ...reply.headers },
      });
    }
    const prefix = (body.system ?? []).map((b) => b.text).join("");
    const key = createHash("sha256").update(prefix).digest("hex");
    const prefixTokens = tokens(prefix);
    const rest = tokens(JSON.stringify(body.messages));
    const read = cached.has(key) ? prefixTokens : 0;
    const write = cached.has(key) ? 0 : prefixTokens;
    cached.add(key);
    const msg = reply.json as { usage?: Record<string, number> };
    const out = msg.usage?.output_tokens ?? 50;
    totals.input += rest;
    totals.cacheRead += read;
    totals.cacheWrite += write;
    totals.output += out;
    return c.json({
      ...msg,
      usage: {
        input_tokens: rest,
        output_tokens: out,
        cache_read_input_tokens: read,
        cache_creation_input_tokens: write,
      },
    });
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    totals,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A tool_use answer with the given decisions (or anything, to test validation). */
export function answer(decisions: unknown, stop: "tool_use" | "max_tokens" = "tool_use"): FakeReply {
  return toolReply("propose", { decisions }, stop, 80);
}

/** A Messages API reply whose only content is a call of `tool` with `input`. */
function toolReply(tool: string, input: unknown, stop: string, outputTokens: number): FakeReply {
  return {
    json: {
      id: "msg_fake",
      type: "message",
      role: "assistant",
      model: "fake",
      content: [{ type: "tool_use", id: `toolu_${tool}`, name: tool, input }],
      stop_reason: stop,
      stop_sequence: null,
      usage: { output_tokens: outputTokens },
    },
  };
}

/** The clusters the engine sent, with their offline proposals. */
export function clusters(body: MessagesBody): { id: number; proposal: Record<string, unknown> | null }[] {
  const first = body.messages[0]?.content;
  const text = typeof first === "string" ? first : "";
  const out: { id: number; proposal: Record<string, unknown> | null }[] = [];
  for (const m of text.matchAll(
    /<cluster id=(\d+)>[\s\S]*?Offline proposal:\n<data>\n(.*)\n<\/data>\n<\/cluster>/g,
  )) {
    out.push({ id: Number(m[1]), proposal: JSON.parse(m[2] ?? "null") as Record<string, unknown> | null });
  }
  return out;
}

/** Agree with every proposal (and merge no possible duplicate), except where `change` replaces a cluster's operations. */
export function decide(
  body: MessagesBody,
  change?: (id: number, proposal: Record<string, unknown> | null) => unknown[] | null,
): FakeReply {
  return answer(
    clusters(body).map(({ id, proposal }) => ({
      cluster: id,
      operations: change?.(id, proposal) ?? (proposal ? [proposal] : []),
    })),
  );
}

/** An `extract` answer (the map step over sessions). */
export function extracted(memories: unknown[]): FakeReply {
  return toolReply("extract", { memories }, "tool_use", 60);
}

/** A script that agrees with every offline proposal and finds nothing new in the sessions. */
export const approveAll: Script = (body) => (toolOf(body) === "extract" ? extracted([]) : decide(body));
