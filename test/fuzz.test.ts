// Issue 14's fuzz test: ≥ 1,000 generated hostile inputs — memory files, transcripts, tarballs, API paths
// and bodies, review bodies. Each must end in a result or a refusal with a reason, never a crash or a 500,
// and nothing may be written outside the volumes.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import tarStream from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReview } from "../src/apply/review-log.ts";
import { rollback } from "../src/apply/rollback.ts";
import { runDream } from "../src/dream/run.ts";
import { createOfflineEngine } from "../src/engine/offline/engine.ts";
import { createProposals } from "../src/proposal/proposals.ts";
import { createSnapshot } from "../src/snapshot/create.ts";
import { restoreSnapshot, verifySnapshot } from "../src/snapshot/restore.ts";
import { createFormatRegistry } from "../src/transcripts/registry.ts";
import { dreamFor, dreamOptions, hashTree, reviewApp, writeTree } from "./fixtures.ts";

const deps = { engine: createOfflineEngine(), registry: createFormatRegistry() };
let root: string;
/** A directory no input may reach: its hash is checked after every property. */
let outside: string;
let outsideHash: Record<string, string>;
let runs = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "dreamd-fuzz-"));
  outside = join(root, "outside");
  await writeTree(outside, { "secret.md": "# Not memory\n\n- never read, never written\n" });
  outsideHash = await hashTree(outside);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function nothingOutside(): Promise<void> {
  expect(await hashTree(outside)).toEqual(outsideHash);
  expect((await readdir(root)).filter((n) => n.startsWith("dreamd-restore-"))).toEqual([]);
}

// —— generators ————————————————————————————————————————————————————————————————————————————————————

const nasty = fc.constantFrom(
  "\0",
  "\uFEFF",
  "\r\n",
  "\u202E",
  "\uD800",
  "<script>alert(1)</script>",
  "```",
  "---\n",
  "../../outside/secret.md",
  "/etc/passwd",
  "[link](../../outside/secret.md)",
  "- [ ] ",
  "| a | b |\n|---|---|\n",
  "> ",
  "    ",
  "#".repeat(7),
  "yesterday",
  "\t",
  "%2e%2e%2f",
  "{{7*7}}",
);
const line = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.array(fc.oneof(nasty, fc.string({ maxLength: 12 })), { maxLength: 6 }).map((a) => a.join("")),
  fc
    .constantFrom("# ", "## ", "- ", "1. ", "* ")
    .chain((p) => fc.string({ maxLength: 60 }).map((s) => p + s)),
);
const markdown = fc.array(line, { maxLength: 40 }).map((ls) => ls.join("\n"));
const content: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: markdown },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300_000 }).map((n) => `- ${"x".repeat(n)}\n`) },
  { weight: 1, arbitrary: markdown.map((m) => `${m}\n${m}\n`) },
);
const fileName = fc.oneof(
  fc.stringMatching(/^[a-z0-9_-]{1,12}$/).map((s) => `${s}.md`),
  fc.constantFrom(
    "..md",
    " spaced .md",
    "ünïcødé.md",
    "-rf.md",
    "new\nline.md",
    "a\u202Eb.md",
    `${"n".repeat(240)}.md`,
    "deep/er/still/note.md",
    ".hidden.md",
    "notes.txt",
    "MEMORY.md",
  ),
);
const memoryTree = fc.dictionary(fileName, content, { minKeys: 1, maxKeys: 6 });

const record = fc.oneof(
  fc.json(),
  fc
    .record({
      type: fc.constantFrom("user", "assistant", "system", "summary", 7),
      message: fc.oneof(
        fc.record({
          role: fc.constantFrom("user", "assistant", 3),
          content: fc.oneof(fc.string(), fc.json()),
        }),
        fc.json(),
      ),
      timestamp: fc.oneof(
        fc.date({ noInvalidDate: false }).map((d) => String(d)),
        fc.string(),
        fc.integer(),
      ),
    })
    .map((r) => JSON.stringify(r)),
  fc.string({ maxLength: 60 }),
);
const transcript: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc.array(record, { maxLength: 20 }).map((rs) => rs.join("\n")) },
  { weight: 1, arbitrary: fc.array(record, { maxLength: 20 }).map((rs) => `[${rs.join(",")}`) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1024 }) },
  { weight: 1, arbitrary: markdown },
  { weight: 1, arbitrary: fc.constant("") },
);
const sessionName = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9-]{1,10}$/),
    fc.constantFrom(".jsonl", ".json", ".md", ".txt", ".log", ""),
  )
  .map(([s, e]) => `${s}${e}`);
const sessionTree = fc.dictionary(sessionName, transcript, { maxKeys: 5 });

// —— properties ————————————————————————————————————————————————————————————————————————————————————

describe("fuzz: hostile inputs end in a result or a reason, never a crash, never a write outside", () => {
  it("memory files and transcripts: every dream completes, reads nothing outside, reports what it could not use", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(memoryTree, sessionTree, async (files, sessions) => {
        n++;
        const dir = join(root, `dream-${n}`);
        await writeTree(join(dir, "memory"), files);
        await mkdir(join(dir, "sessions"), { recursive: true });
        await writeTree(join(dir, "sessions"), sessions);
        const before = await hashTree(join(dir, "memory"));
        const r = await runDream(
          dreamOptions(join(dir, "proposals"), {
            memoryDir: join(dir, "memory"),
            sessionsDir: join(dir, "sessions"),
            deletionBudget: 1,
          }),
          deps,
        );
        expect(await hashTree(join(dir, "memory"))).toEqual(before);
        // Every transcript either became a session or is reported with a reason.
        const named = new Set([
          ...r.manifest.sessions.map((s) => s.id),
          ...r.manifest.problems.filter((p) => p.source === "session" && p.error).map((p) => p.path),
        ]);
        // Formats are detected by content (issue 16): every file, whatever its name, is accounted for.
        for (const name of Object.keys(sessions)) expect(named).toContain(name);
        const store = await hashTree(join(r.dir, "store"));
        for (const text of Object.values(await readStoreTexts(join(r.dir, "store"), Object.keys(store))))
          expect(text).not.toContain("never read, never written");
        await rm(dir, { recursive: true, force: true });
      }),
      { numRuns: 250, seed: 14 },
    );
    runs += n;
    await nothingOutside();
  }, 600_000);

  it("tarballs: verify, restore and rollback refuse every hostile archive with a reason and write nothing", async () => {
    const dir = join(root, "tar");
    const memory = join(dir, "memory");
    await writeTree(memory, { "a.md": "# A\n\n- one\n" });
    const memoryHash = await hashTree(memory);
    const valid = await createSnapshot({
      memoryDir: memory,
      snapshotsDir: join(dir, "valid"),
      name: "valid",
      now: new Date(),
    });
    const validBytes = await readFile(valid.path);
    const validManifest = await readFile(`${valid.path}.json`, "utf8");
    let n = 0;
    await fc.assert(
      fc.asyncProperty(archive, fc.boolean(), async (spec, withManifest) => {
        n++;
        const path = join(dir, `fz-${n}.tar.gz`);
        const bytes = await bytesOf(spec, validBytes);
        await writeFile(path, bytes);
        if (spec.kind === "flip") await writeFile(`${path}.json`, validManifest);
        else if (withManifest) {
          const sha256 = createHash("sha256").update(bytes).digest("hex");
          const m = {
            format: 1,
            archive: `fz-${n}.tar.gz`,
            sha256,
            bytes: bytes.length,
            createdAt: new Date().toISOString(),
            files: [],
          };
          await writeFile(`${path}.json`, JSON.stringify(m));
        }
        const v = await verifySnapshot(path).catch((err: Error) => {
          expect(err.message).toMatch(/manifest/);
          return { ok: false, files: 0, errors: [err.message] };
        });
        // Only an archive that is truly empty (a gzip of zeros is an empty tar) may pass, and it holds nothing.
        if (v.ok) expect([spec.kind, v.files]).toEqual([spec.kind === "flip" ? "never" : spec.kind, 0]);
        else for (const e of v.errors) expect(e.length).toBeGreaterThan(5);
        if (spec.kind === "tar" || spec.kind === "flip") expect(v.ok).toBe(false);
        const restored = await restoreSnapshot(path, { parent: dir }).catch((err: Error) => {
          expect(err.message).toMatch(/restore/);
          return null;
        });
        if (restored) await rm(restored, { recursive: true, force: true });
        expect(restored === null || spec.kind !== "tar").toBe(true);
        const rb = await rollback({
          archive: path,
          memoryDir: memory,
          stateDir: join(dir, "state"),
          rollbackId: `rollback-fz-${n}`,
          by: "fuzz",
          now: new Date(),
          dryRun: true,
        }).catch((err: Error) => {
          expect(err.message).toMatch(/verification|manifest/);
          return null;
        });
        if (rb) expect(rb.record).toBeNull();
        expect(await hashTree(memory)).toEqual(memoryHash);
        expect((await readdir(dir)).filter((x) => x.startsWith("dreamd-restore-"))).toEqual([]);
        await rm(path, { force: true });
        await rm(`${path}.json`, { force: true });
      }),
      { numRuns: 300, seed: 14 },
    );
    runs += n;
    await nothingOutside();
  }, 600_000);

  it("API paths and bodies, review bodies: a 2xx or a 4xx with a reason, never a 500; the review log stays readable", async () => {
    const dir = join(root, "api");
    const memory = join(dir, "memory");
    const proposals = join(dir, "proposals");
    await writeTree(memory, {
      "log.md":
        "# Log\n\n## Run 2026-03-17 06:01\n- alpha checked twice today\n- beta checked\n- alpha checked twice today\n- beta checked\n",
    });
    const { manifest } = await dreamFor(proposals, memory);
    const id = manifest.dreamId;
    const app = reviewApp(proposals, memory, "fuzz");
    let n = 0;
    const check = async (method: string, path: string, body: string | undefined, type: string) => {
      n++;
      const res = await app.request(path, {
        method,
        ...(body === undefined ? {} : { body }),
        headers: { "content-type": type },
      });
      expect(res.status, `${method} ${path} ${body?.slice(0, 80)}`).toBeLessThan(500);
      const text = await res.text();
      if (res.status >= 400 && res.status !== 404) {
        const json = JSON.parse(text) as { error?: unknown };
        expect(typeof json.error).toBe("string");
        expect((json.error as string).length).toBeGreaterThan(3);
      }
    };
    const segment = fc.oneof(
      fc.constant(id),
      fc.constantFrom(
        "..",
        "%2e%2e",
        "%2e%2e%2f..%2f",
        "%00",
        "x".repeat(300),
        "20260320T000000Z-zzzzzz",
        ".",
      ),
      fc.string({ maxLength: 20 }).map(encodeURIComponent),
    );
    const path = fc.oneof(
      fc
        .tuple(segment, fc.constantFrom("review", "apply", "revert", ""))
        .map(([s, r]) => `/dreams/${s}/${r}`),
      fc.constant("/rollback"),
      fc.constant("/applies"),
      fc.string({ maxLength: 40 }).map((s) => `/${encodeURIComponent(s)}`),
    );
    const selection = fc.oneof(
      fc.constant("all"),
      fc.array(fc.oneof(fc.constantFrom("op-001", "op-002", "op-999", ""), fc.string({ maxLength: 10 })), {
        maxLength: 5,
      }),
      fc.record({ rule: fc.string({ maxLength: 20 }) }, { requiredKeys: [] }),
      fc.record({ confidence: fc.constantFrom("certain", "likely", "possible", "nope") }),
      fc.json(),
    );
    const reviewBody = fc.record(
      {
        accept: selection,
        reject: selection,
        by: fc.oneof(fc.string({ maxLength: 30 }), fc.string({ maxLength: 600 }), fc.integer()),
        comment: fc.oneof(fc.string({ maxLength: 200 }), fc.json()),
        operations: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
        snapshot: fc.oneof(
          fc.constantFrom("../x.tar.gz", ".tar.gz", "a.tar.gz", ""),
          fc.string({ maxLength: 30 }),
        ),
        dryRun: fc.constant(true),
        apply: fc.string({ maxLength: 30 }),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      reviewBody.map((b) => JSON.stringify(b)),
      fc.json(),
      fc.string({ maxLength: 100 }),
      fc.constant("{"),
      fc.constant(undefined),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "DELETE", "PUT"),
        path,
        body,
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
        async (method, p, b, type) => check(method, p, method === "GET" ? undefined : b, type),
      ),
      { numRuns: 300, seed: 14 },
    );
    // Review bodies alone, on the one real proposal.
    await fc.assert(
      fc.asyncProperty(reviewBody, async (b) => {
        await check("POST", `/dreams/${id}/review`, JSON.stringify(b), "application/json");
        const events = await readReview(join(proposals, id));
        for (const e of events) {
          expect(["accepted", "rejected"]).toContain(e.decision);
          expect(manifest.operations.map((o) => o.id)).toContain(e.op);
        }
        expect((await app.request(`/dreams/${id}/review`)).status).toBe(200);
      }),
      { numRuns: 250, seed: 14 },
    );
    runs += n;
    expect(await createProposals(proposals).manifest(id)).not.toBeNull();
    await nothingOutside();
  }, 600_000);

  it("ran at least 1,000 generated inputs", () => {
    expect(runs).toBeGreaterThanOrEqual(1000);
  });
});

/** Text of each store file (binary ones too, as latin1: only a marker string is looked for). */
async function readStoreTexts(dir: string, paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of paths) out[p] = (await readFile(join(dir, p))).toString("latin1");
  return out;
}

// —— hostile archives ——————————————————————————————————————————————————————————————————————————————

type Entry = {
  name: string;
  type: "file" | "directory" | "symlink" | "link" | "character-device" | "fifo";
  body?: string;
  linkname?: string;
};
const entry: fc.Arbitrary<Entry> = fc.record({
  name: fc.oneof(
    fc.constantFrom(
      "../escape.md",
      "/abs.md",
      "a/../../b.md",
      "C:/win.md",
      "ok.md",
      "dir/",
      "a\0b.md",
      "x".repeat(300),
    ),
    fc.stringMatching(/^[a-z./]{1,20}$/),
  ),
  type: fc.constantFrom("file", "directory", "symlink", "link", "character-device", "fifo"),
  body: fc.string({ maxLength: 50 }),
  linkname: fc.constantFrom("../../outside/secret.md", "/etc/passwd", "ok.md"),
});

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((r) => pack.on("end", () => r()));
  for (const e of entries) {
    await new Promise<void>((resolve) => {
      const header = { name: e.name, type: e.type, ...(e.linkname ? { linkname: e.linkname } : {}) };
      if (e.type === "file") pack.entry(header, e.body ?? "", () => resolve());
      else pack.entry(header, () => resolve());
    }).catch(() => {});
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** What a hostile archive is made of; built inside the property (a tar is written asynchronously). */
type ArchiveSpec =
  | { kind: "raw"; bytes: Uint8Array }
  | { kind: "gzip"; bytes: Uint8Array }
  | { kind: "tar"; entries: Entry[] }
  | { kind: "flip"; at: number; byte: number };
const archive: fc.Arbitrary<ArchiveSpec> = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ kind: "raw" as const, bytes })),
  fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ kind: "gzip" as const, bytes })),
  fc
    .array(entry, { minLength: 1, maxLength: 6 })
    // At least one entry no restore may write: a bad name, or a type other than file and directory.
    .filter((es) => es.some((e) => unsafeName(e) || (e.type !== "file" && e.type !== "directory")))
    .map((entries) => ({ kind: "tar" as const, entries })),
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 1, max: 255 }) }),
);

// A NUL ends a name in a tar header ("a\0b.md" is read back as "a"), so it is not a way out.
const unsafeName = (e: Entry) =>
  e.name.startsWith("/") || /^[A-Za-z]:/.test(e.name) || e.name.split("/").includes("..");

async function bytesOf(spec: ArchiveSpec, valid: Buffer): Promise<Buffer> {
  if (spec.kind === "raw") return Buffer.from(spec.bytes);
  if (spec.kind === "gzip") return gzipSync(spec.bytes);
  if (spec.kind === "tar") return gzipSync(await tarOf(spec.entries));
  const out = Buffer.from(valid);
  const at = spec.at % out.length;
  out[at] = (out[at] ?? 0) ^ spec.byte;
  return out;
}
