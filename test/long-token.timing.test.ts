// A note line that is one huge token once took 5 s (100 KB), 20 s (200 KB) and over 300 s (5 MB): one
// quadratic expression rescanned the token from every position. Each shape here is a run that some
// expression in the reader, the rules or the checks could rescan.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDream } from "../src/dream/run.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { dreamOptions, writeTree } from "./fixtures.ts";

const MB = 1_000_000;
const SHAPES: Record<string, string> = {
  letters: "a".repeat(MB),
  kebab: "ab-".repeat(MB / 3),
  path: "a.".repeat(MB / 2),
  brackets: "[".repeat(MB),
  angles: "<".repeat(MB),
  backticks: "x`".repeat(MB / 2),
  punctuation: `${".".repeat(MB)}x`,
  spaces: `- ${" ".repeat(MB)}x`,
  scheme: `${"a".repeat(MB)}:/`,
  label: `Key:${" ".repeat(MB)}\r`,
  heading: `# ${"#".repeat(MB)} x`,
};

let work: string;
const deps = { engine: createOfflineEngine(), registry: createFormatRegistry() };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "dreamd-long-token-"));
  // Warm the lexicon and the module graph, so the timings below are the dream's own.
  await writeTree(join(work, "warm"), { "a.md": "- a note\n" });
  await runDream(
    dreamOptions(join(work, "warm-out"), { memoryDir: join(work, "warm"), sessionsDir: "" }),
    deps,
  );
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("a note that is one 1 MB token", () => {
  it("dreams in under 2 s", async () => {
    const memory = join(work, "single");
    await writeTree(memory, {
      "MEMORY.md": "# Memory\n\n- the deploy runs on Fridays\n",
      "token.md": `${SHAPES.letters}\n`,
    });
    const t0 = performance.now();
    const { manifest } = await runDream(
      dreamOptions(join(work, "single-out"), { memoryDir: memory, sessionsDir: "" }),
      deps,
    );
    const ms = performance.now() - t0;
    expect(manifest.stats.files).toBe(2);
    expect(ms).toBeLessThan(2_000);
  });

  for (const [name, line] of Object.entries(SHAPES)) {
    it(`stays linear for a run of ${name}, in a note and in a transcript`, async () => {
      const memory = join(work, `m-${name}`);
      const sessions = join(work, `s-${name}`);
      await writeTree(memory, { "note.md": `${line}\n` });
      await writeTree(sessions, { "2026-03-19-chat.md": `User: ${line}\n\nAssistant: ok\n` });
      const t0 = performance.now();
      await runDream(
        dreamOptions(join(work, `out-${name}`), { memoryDir: memory, sessionsDir: sessions }),
        deps,
      );
      expect(performance.now() - t0).toBeLessThan(2_000);
    });
  }
});
