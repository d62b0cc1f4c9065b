import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dreamdOwn, loadSessions } from "./loader.ts";
import { createFormatRegistry } from "./registry.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "dreamd-loader-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const put = async (files: Record<string, string>) => {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
};
const load = () =>
  loadSessions({
    dir,
    registry: createFormatRegistry(),
    maxSessions: 100,
    maxBytes: 8 << 20,
    ledger: { settled: new Set(), holder: new Map(), pending: [] },
  });
const line = (type: string, content: string) => JSON.stringify({ type, message: { role: type, content } });

describe("which files the loader reads", () => {
  it("skips only dreamd's own files, not every dot-name", () => {
    for (const own of [
      ".dreamd/state.json",
      ".partial-20260320T180000Z-1a2b3c/manifest.json",
      ".trash-x-ab12cd34/store/a.md",
      "sub/.s.jsonl.0123456789ab.tmp",
      ".lock.0123456789ab.tmp",
      "..data/s.jsonl",
      "..2026_03_02_09_00_00.123/s.jsonl",
    ])
      expect(dreamdOwn(own), own).toBe(true);
    for (const theirs of [
      ".specstory/history/2026-03-02_09-00Z-x.md",
      ".aider.chat.history.md",
      "a/.hidden.jsonl",
    ])
      expect(dreamdOwn(theirs), theirs).toBe(false);
  });

  it("reads transcripts under dot-folders and dot-names, and never dreamd's own", async () => {
    const chat = `${line("user", "Use pnpm here.")}\n${line("assistant", "Will do.")}\n`;
    await put({
      ".specstory/history/s.jsonl": chat,
      ".aider.chat.history.md":
        "# aider chat started at 2026-03-02 09:00:00\n\n#### Use pnpm here.\n\nWill do.\n",
      ".dreamd/state.json": chat,
      ".partial-x/s.jsonl": chat,
    });
    const r = await load();
    expect(r.sessions.map((s) => s.id).sort()).toEqual([
      ".aider.chat.history.md",
      ".specstory/history/s.jsonl",
    ]);
    expect(r.problems).toEqual([]);
  });
});

describe("what the loader reports", () => {
  it("a file no format claims is reported with the closest format's reason, whatever its name", async () => {
    await put({
      "index.json": JSON.stringify({ "agent:main": { sessionId: "x" } }),
      "notes.py": "print(1)\n",
    });
    const r = await load();
    const problems = new Map(r.problems.map((p) => [p.path, p.error]));
    expect(problems.get("index.json")).toMatch(
      /^no transcript format recognises its content \(closest: [a-z-]+: no (user or assistant )?messages/,
    );
    expect(problems.get("notes.py")).toBe("no transcript format recognises its content");
    expect(r.unusable).toHaveLength(2);
  });

  it("a partly broken file keeps its good messages and sums up the rest in one problem", async () => {
    const lines = [line("user", "Use pnpm here.")];
    for (let i = 0; i < 10; i++) lines.push(`{"type":"user","mess${i}`);
    lines.push(line("assistant", "Will do."));
    await put({ "s.jsonl": lines.join("\n") });
    const r = await load();
    expect(r.sessions[0]?.messages.map((m) => m.text)).toEqual(["Use pnpm here.", "Will do."]);
    expect(r.problems.map((p) => p.error)).toEqual([
      "10 of 12 lines unusable, the rest kept: line 2: invalid JSON; line 3: invalid JSON; line 4: invalid JSON; …",
    ]);
  });

  it("the session time comes from the records, the mtime only when none has one, and it says so", async () => {
    await put({
      "timed.jsonl": JSON.stringify({
        type: "user",
        timestamp: "2026-03-02T09:00:00Z",
        message: { content: "hi" },
      }),
      "untimed.jsonl": line("user", "hi"),
    });
    const r = await load();
    const by = new Map(r.sessions.map((s) => [s.id, s]));
    expect(by.get("timed.jsonl")).toMatchObject({
      startedAt: "2026-03-02T09:00:00.000Z",
      startedAtFrom: "records",
    });
    const untimed = by.get("untimed.jsonl");
    expect(untimed?.startedAtFrom).toBe("mtime");
    expect(untimed?.startedAt).toBe(new Date(untimed?.mtimeMs ?? 0).toISOString());
  });
});

describe("gzipped transcripts", () => {
  it("reads a session archived as .jsonl.gz, and reports a corrupt archive and a bomb past the limit", async () => {
    const jsonl = `${line("user", "Deploy the billing service on Friday.")}\n${line("assistant", "Noted.")}\n`;
    await writeFile(join(dir, "old.jsonl.gz"), gzipSync(jsonl));
    await writeFile(join(dir, "broken.jsonl.gz"), gzipSync(jsonl).subarray(0, 20));
    await writeFile(join(dir, "bomb.jsonl.gz"), gzipSync(Buffer.alloc(64 << 20, 0x61)));
    const r = await load();
    expect(r.sessions.map((s) => [s.id, s.format, s.messages.length])).toEqual([
      ["old.jsonl.gz", "claude-code-jsonl", 2],
    ]);
    const why = Object.fromEntries(r.problems.map((p) => [p.path, p.error]));
    expect(why["broken.jsonl.gz"]).toMatch(/^gzip: /);
    expect(why["bomb.jsonl.gz"]).toMatch(/^gzip: over 8388608 bytes once decompressed/);
  });
});
