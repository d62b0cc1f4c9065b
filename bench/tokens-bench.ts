// Tokens: the Claude engine against a fake Messages API that counts tokens the way the real one reports
// them (cache reads and writes included), beside the naive approach — the whole store and every
// transcript in one context, chunked at the model's window — on one reference workload, same run.
// Usage: npm run bench:tokens
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDream } from "../src/dream/run.ts";
import { createClaudeEngine } from "../src/engine/claude/engine.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { silentLogger } from "../src/logger.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { approveAll, startFakeApi } from "../test/fake-messages-api.ts";
import { generateWorld, rng } from "./quality/generator.ts";
import { writeWorld } from "./quality/run.ts";

const WINDOW = 200_000;
const tokens = (s: string) => Math.ceil(s.length / 4);

// Reference workload: ~300 entries, 100 transcripts of realistic size (tool output and file dumps are
// most of a coding session's bytes).
const world = generateWorld({ seed: 5, size: 75, sessions: 100 });
const r = rng(99);
const words =
  "the invoice worker retries the job then the deploy goes to staging and the test suite runs again with pnpm".split(
    " ",
  );
const prose = (n: number) => Array.from({ length: n }, () => words[Math.floor(r() * words.length)]).join(" ");
for (const [name, text] of Object.entries(world.sessions)) {
  if (!name.endsWith(".jsonl")) continue;
  const extra: string[] = [];
  for (let t = 0; t < 12; t++) {
    const id = `toolu_${t}`;
    extra.push(
      JSON.stringify({
        type: "assistant",
        message: {
          role: "assistant",
          content: [
            { type: "text", text: prose(60) },
            { type: "tool_use", id, name: "Read", input: { file_path: `src/file${t}.ts` } },
          ],
        },
      }),
    );
    extra.push(
      JSON.stringify({
        type: "user",
        message: { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: prose(1_600) }] },
      }),
    );
  }
  world.sessions[name] = `${text}${extra.join("\n")}\n`;
}
for (const [name, text] of Object.entries(world.sessions)) {
  if (!name.endsWith(".json")) continue;
  const obj = JSON.parse(text) as { messages: { role: string; content: unknown }[] };
  for (let t = 0; t < 12; t++)
    obj.messages.push({ role: "assistant", content: prose(1_700) }, { role: "user", content: "ok" });
  world.sessions[name] = JSON.stringify(obj);
}

// Every third Claude Code session rewritten as an OpenClaw one (issue 16: the new formats in the mix):
// a session header, message lines, tool calls and results as their own records, and the metadata fence
// OpenClaw puts around every user message.
let converted = 0;
for (const [name, text] of Object.entries(world.sessions)) {
  if (!name.endsWith(".jsonl") || converted++ % 3 !== 0) continue;
  const lines = text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { timestamp?: string; message: { role: string; content: unknown } });
  const at = lines[0]?.timestamp ?? "2026-03-01T10:00:00.000Z";
  const out = [JSON.stringify({ type: "session", version: 3, id: name, timestamp: at, cwd: "/workspace" })];
  for (const [i, l] of lines.entries()) {
    const blocks =
      typeof l.message.content === "string"
        ? [{ type: "text", text: l.message.content }]
        : (l.message.content as Record<string, unknown>[]);
    const result = blocks.find((b) => b.type === "tool_result");
    const message = result
      ? {
          role: "toolResult",
          toolCallId: result.tool_use_id,
          content: [{ type: "text", text: String(result.content) }],
        }
      : l.message.role === "user"
        ? {
            role: "user",
            content: blocks.map((b) =>
              b.type === "text"
                ? {
                    type: "text",
                    text: `Conversation info (untrusted metadata):\n\`\`\`json\n{"sender": "Dana", "message_id": "${i}"}\n\`\`\`\n\n${String(b.text)}`,
                  }
                : b,
            ),
          }
        : {
            role: "assistant",
            content: blocks.map((b) =>
              b.type === "tool_use" ? { type: "toolCall", id: b.id, name: b.name, arguments: b.input } : b,
            ),
          };
    out.push(
      JSON.stringify({
        type: "message",
        id: `m${i}`,
        parentId: i ? `m${i - 1}` : null,
        timestamp: at,
        message,
      }),
    );
  }
  delete world.sessions[name];
  world.sessions[name.replace(/\.jsonl$/, ".openclaw.jsonl")] = `${out.join("\n")}\n`;
}

const storeTokens = tokens(Object.values(world.memory).join("\n"));
const transcriptTokens = Object.values(world.sessions).reduce((n, t) => n + tokens(t), 0);
const perChunk = WINDOW - storeTokens - 8_000;
const chunks = Math.ceil(transcriptTokens / perChunk);
const naive = chunks * storeTokens + transcriptTokens;

const work = await mkdtemp(join(tmpdir(), "dreamd-tokens-"));
await writeWorld(world, work);
const api = await startFakeApi(approveAll);
const engine = createClaudeEngine({
  apiKey: "bench",
  baseURL: api.url,
  model: "fake",
  maxInputTokens: 2_000_000,
  maxOutputTokens: 200_000,
  timeoutMs: 30_000,
  maxRetries: 0,
  fallback: createOfflineEngine(),
  log: silentLogger,
});
const dream = async (out: string) =>
  runDream(
    {
      memoryDir: join(work, "memory"),
      sessionsDir: join(work, "sessions"),
      proposalsDir: join(work, out),
      snapshotsDir: join(work, out, "snapshots"),
      maxSessions: 100,
      maxFileBytes: 1 << 22,
      maxTranscriptBytes: 1 << 25,
      now: new Date("2026-06-01T00:00:00Z"),
    },
    { engine, registry: createFormatRegistry() },
  );
const first = await dream("out1");
const afterFirst = { ...api.totals };
const second = await dream("out2");
const sec = {
  input: api.totals.input - afterFirst.input,
  cacheRead: api.totals.cacheRead - afterFirst.cacheRead,
  cacheWrite: api.totals.cacheWrite - afterFirst.cacheWrite,
};
await api.close();
await rm(work, { recursive: true, force: true });

const u = first.manifest.usage;
const dreamdInput = (u?.inputTokens ?? 0) + (u?.cacheReadTokens ?? 0) + (u?.cacheWriteTokens ?? 0);
/** "34 openclaw-jsonl, 33 claude-code-jsonl, …": which formats the dream read the transcripts as. */
function formatsOf(sessions: readonly { format: string }[]): string {
  const n = new Map<string, number>();
  for (const s of sessions) n.set(s.format, (n.get(s.format) ?? 0) + 1);
  return [...n].map(([f, k]) => `${k} ${f}`).join(", ");
}
const lines = [
  `workload: ${first.manifest.stats.entries} entries, ${first.manifest.stats.sessions} transcripts (${formatsOf(first.manifest.sessions)}; ${first.manifest.problems.length} reported), ~${(transcriptTokens / 1e6).toFixed(2)}M raw transcript tokens, store ~${storeTokens} tokens`,
  `  naive (store + all transcripts, ${chunks} chunks of a ${WINDOW / 1000}k window): ${naive.toLocaleString("en")} input tokens`,
  `  dreamd claude engine, first dream: ${dreamdInput.toLocaleString("en")} input tokens (${u?.inputTokens} uncached, ${u?.cacheWriteTokens} cache write, ${u?.cacheReadTokens} cache read) in ${first.manifest.operations.length} operations, est. $${u?.costUsd.toFixed(4)}`,
  `  ratio dreamd / naive: ${((dreamdInput / naive) * 100).toFixed(1)}% (target ≤ 15%)`,
  `  second dream over the same store: cache-read share of prefix tokens ${((sec.cacheRead / Math.max(1, sec.cacheRead + sec.cacheWrite)) * 100).toFixed(1)}% (target ≥ 80%), ${second.manifest.operations.length} operations`,
];
process.stdout.write(`${lines.join("\n")}\n`);
