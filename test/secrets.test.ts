// dreamd's own secrets never reach what it writes about a dream, even when a library puts one into an
// error message: here the Messages API echoes the key back, as a misconfigured proxy might.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { dreamDirsAndLimits } from "../src/dream/options.ts";
import { runDream } from "../src/dream/run.ts";
import type { Engine } from "../src/engine/engine.ts";
import { createEngine } from "../src/engine/index.ts";
import { stateDirOf } from "../src/state/state.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { startFakeApi } from "./fake-messages-api.ts";
import { EXAMPLES } from "./fixtures.ts";

const KEY = "sk-ant-test-0123456789abcdef";
const TOKEN = "api-token-abcdef0123456789";
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-secrets-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const config = (out: string, baseUrl: string) =>
  loadConfig({
    env: {
      DREAMD_MEMORY_DIR: join(EXAMPLES, "memory"),
      DREAMD_SESSIONS_DIR: join(EXAMPLES, "sessions"),
      DREAMD_PROPOSALS_DIR: out,
      DREAMD_ENGINE: "claude",
      DREAMD_ANTHROPIC_API_KEY: KEY,
      DREAMD_ANTHROPIC_BASE_URL: baseUrl,
      DREAMD_API_TOKEN: TOKEN,
      DREAMD_MODEL_MAX_RETRIES: "0",
    },
  });

async function written(out: string, dir: string | null): Promise<string> {
  const files = [join(stateDirOf(out), "state.json")];
  if (dir) files.push(join(dir, "manifest.json"), join(dir, "report.md"), join(dir, "diff.patch"));
  return (await Promise.all(files.map((f) => readFile(f, "utf8")))).join("\n");
}

describe("secrets", () => {
  it("an API error that echoes the key reaches neither the manifest, the report nor the state", async () => {
    const api = await startFakeApi(() => ({
      status: 401,
      json: { type: "error", error: { type: "authentication_error", message: `invalid x-api-key ${KEY}` } },
    }));
    try {
      const out = join(work, "a");
      const cfg = config(out, api.url);
      const { dir, manifest } = await runDream(
        { ...dreamDirsAndLimits(cfg), now: new Date("2026-03-20T18:00:00Z") },
        { engine: await createEngine(cfg), registry: createFormatRegistry() },
      );
      expect(api.requests.length).toBeGreaterThan(0);
      // The failure is reported, without the key.
      expect(manifest.notes.join("\n")).toMatch(/\[redacted\]/);
      const text = await written(out, dir);
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(TOKEN);
    } finally {
      await api.close();
    }
  });

  it("a failed dream's error holds neither the key nor the token, in the state or the thrown error", async () => {
    const out = join(work, "b");
    const cfg = config(out, "http://127.0.0.1:9");
    const leaky: Engine = {
      name: "leaky",
      version: "0",
      consolidate: async () => {
        throw new Error(`upstream said: bad key ${KEY}, token ${TOKEN}`);
      },
    };
    const err = await runDream(
      { ...dreamDirsAndLimits(cfg), now: new Date("2026-03-20T18:00:00Z") },
      { engine: leaky, registry: createFormatRegistry() },
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/upstream said: bad key \[redacted\], token \[redacted\]/);
    const text = await written(out, null);
    expect(text).toContain("[redacted]");
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(TOKEN);
  });
});
