// An offline dream has no use for @anthropic-ai/sdk (~ tens of ms to load and megabytes of heap): the
// engine factory imports the Claude engine only when it is chosen. This runs `dreamd dream` as a process
// that records every module it resolves, and fails if the SDK is among them.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES } from "./fixtures.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;
const RECORDER = new URL("./module-recorder.mjs", import.meta.url).href;
const SDK = "/node_modules/@anthropic-ai/sdk/";
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-no-sdk-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs a dream over examples/ and returns the exit code and every module URL the process resolved. */
async function dreamModules(name: string, flags: string[]): Promise<{ code: number; urls: string[] }> {
  const list = join(work, `${name}.txt`);
  const args = ["--import", RECORDER, MAIN, "dream", "--memory", join(EXAMPLES, "memory")];
  args.push("--sessions", join(EXAMPLES, "sessions"), "--out", join(work, name));
  args.push("--now", "2026-03-20T18:00:00Z", ...flags);
  const code = await new Promise<number>((resolve) =>
    execFile(
      process.execPath,
      args,
      { env: { PATH: process.env.PATH, DREAMD_TEST_MODULES_OUT: list } },
      (err) => resolve(err ? ((err as { code?: number }).code ?? 1) : 0),
    ),
  );
  return { code, urls: (await readFile(list, "utf8")).split("\n").filter(Boolean) };
}

describe("an offline dream", () => {
  it("never loads @anthropic-ai/sdk", async () => {
    const { code, urls } = await dreamModules("offline", ["--engine", "offline"]);
    expect(code).toBe(0);
    // The recorder saw the dream's own modules: an empty list would pass for the wrong reason.
    expect(urls.some((u) => u.endsWith("/src/engine/offline/engine.ts"))).toBe(true);
    expect(urls.filter((u) => u.includes(SDK))).toEqual([]);
  });

  it("(the recorder sees the SDK when the Claude engine is chosen)", async () => {
    // Nothing listens on port 9 of loopback: every call fails at once and gets the offline decision.
    const { urls } = await dreamModules("claude", [
      "--engine",
      "claude",
      "--anthropic-api-key",
      "test-key",
      "--anthropic-base-url",
      "http://127.0.0.1:9",
      "--model-max-retries",
      "0",
    ]);
    expect(urls.some((u) => u.includes(SDK))).toBe(true);
  });
});
