/**
 * What every transcript format must do. Not a test file itself: each format's own test calls
 * `formatContract` with the one conversation below written in its format, so adding a format never edits
 * this suite. The conversation, started on 2026-03-02: the user says "Use pnpm here.", the assistant
 * answers "Will do." Tool calls, tool results and harness noise, where the format has them, come out as
 * `tool` / `system` messages or not at all, never as user or assistant text.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSessions } from "./loader.ts";
import { headOf } from "./read-transcript.ts";
import { createFormatRegistry, type FormatRegistry } from "./registry.ts";
import { type ParsedSession, TranscriptError, type TranscriptFormat } from "./session.ts";

export interface ContractOptions {
  /** The format's records carry no time (the session then takes the file's mtime). */
  timeless?: boolean;
  /** JSONL: a broken line is a warning and the rest is kept. */
  lines?: boolean;
  /** The registry (the default formats unless given). */
  registry?: FormatRegistry;
}

const talk = (s: ParsedSession) =>
  s.messages.filter((m) => m.role === "user" || m.role === "assistant").map((m) => [m.role, m.text]);

/** Parses, or refuses with a TranscriptError: never another exception. */
function parseOrRefuse(format: TranscriptFormat, text: string, file: string): ParsedSession | null {
  try {
    return format.parse(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(TranscriptError);
    expect((err as Error).message).toMatch(/\w/);
    return null;
  }
}

/**
 * The format contract as a vitest suite: `text` is the conversation written as the file `file`; the
 * registry must hand that file to `format` by its content.
 */
export function formatContract(
  format: TranscriptFormat,
  file: string,
  text: string,
  opts: ContractOptions | FormatRegistry = {},
): void {
  const o: ContractOptions = "detect" in opts ? { registry: opts } : opts;
  const registry = o.registry ?? createFormatRegistry();
  describe(`transcript format contract: ${format.name} (${file})`, () => {
    it("claims its files by content and yields the user and assistant messages in order", () => {
      expect(registry.detect(headOf(text), file).format).toBe(format);
      const s = format.parse(text, file);
      expect(s.messages.map((m) => m.index)).toEqual(s.messages.map((_, i) => i));
      expect(talk(s)).toEqual([
        ["user", "Use pnpm here."],
        ["assistant", "Will do."],
      ]);
      if (o.timeless) expect(s.startedAt).toBeNull();
      else expect(s.startedAt?.slice(0, 10)).toBe("2026-03-02");
    });

    it("is not claimed by its name alone: valid JSON of another shape is refused with a reason", () => {
      for (const other of [
        '{"hello":"world"}',
        "[1,2,3]",
        '{"messages":"nope"}',
        '[{"a":1}]',
        '{"a":1}\n{"b":2}\n',
      ]) {
        expect(registry.detect(other, file).format, other).not.toBe(format);
        expect(parseOrRefuse(format, other, file), other).toBeNull();
      }
    });

    it("rejects an empty file with a TranscriptError", () => {
      expect(() => format.parse("", file)).toThrow(TranscriptError);
      expect(registry.detect("", file).format).not.toBe(format);
    });

    it("a truncated file (cut mid-record) keeps what came before the cut, or is refused with a reason", () => {
      const full = talk(format.parse(text, file));
      for (const at of [0.3, 0.5, 0.7, 0.9]) {
        const cut = text.slice(0, Math.floor(text.length * at));
        const s = parseOrRefuse(format, cut, file);
        if (!s) continue;
        // What is kept is the conversation so far: each message one of the whole, the last one possibly
        // cut (or, in a text log, followed by a speaker marker the cut left incomplete).
        const kept = talk(s);
        expect(kept.length).toBeLessThanOrEqual(full.length);
        kept.forEach(([role, t = ""], i) => {
          const whole = full[i]?.[1] ?? "\0";
          expect(role).toBe(full[i]?.[0]);
          if (i < kept.length - 1) expect(t).toBe(whole);
          else expect(whole.startsWith(t) || t.startsWith(whole)).toBe(true);
        });
      }
    });

    it("a huge line (a 2 MB message) is read whole, quickly", () => {
      const big = `Use pnpm here. ${"z".repeat(2_000_000)}`;
      const started = performance.now();
      const s = format.parse(text.replace("Use pnpm here.", big), file);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(talk(s)[0]).toEqual(["user", big]);
    });

    if (o.lines) {
      it("a partly broken file keeps its good lines and counts the broken ones", () => {
        const lines = text.split("\n");
        const broken = [lines[0], '{"type":"user","mess', ...lines.slice(1), "[1]"].join("\n");
        const s = format.parse(broken, file);
        expect(talk(s)).toEqual(talk(format.parse(text, file)));
        expect(s.warnings).toHaveLength(2);
        expect(s.records?.count).toBe(lines.filter((l) => l.trim()).length + 2);
      });
    }

    it("through the loader: the file is a session, its binary or empty variants are reported", async () => {
      const dir = await mkdtemp(join(tmpdir(), "dreamd-contract-"));
      try {
        const put = async (name: string, data: string | Uint8Array) => {
          await mkdir(dirname(join(dir, name)), { recursive: true });
          await writeFile(join(dir, name), data);
        };
        await put(`good/${file}`, text);
        await put(`binary/${file}`, Buffer.concat([Buffer.from(text.slice(0, 20)), Buffer.from([0, 0xff])]));
        await put(`empty/${file}`, "");
        const r = await loadSessions({
          dir,
          registry,
          maxSessions: 100,
          maxBytes: 8 << 20,
          ledger: { settled: new Set(), holder: new Map(), pending: [] },
        });
        expect(r.sessions.map((s) => [s.id, s.format])).toEqual([[`good/${file}`, format.name]]);
        expect(r.sessions[0]?.startedAtFrom).toBe(o.timeless ? "mtime" : "records");
        const problems = new Map(r.problems.map((p) => [p.path, p.error]));
        expect(problems.get(`binary/${file}`)).toMatch(/binary/);
        expect(problems.get(`empty/${file}`)).toMatch(/empty/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
