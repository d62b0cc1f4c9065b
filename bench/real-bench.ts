// Dreams over real memory stores, as a new user would run them, and the structural harm of each proposal,
// measured from the input tree and the proposed tree alone (bench/real/harm.ts re-parses both; it never
// calls the checks it measures). Usage:
//   npm run bench:real -- [--engine offline] [--json FILE] [--keep DIR] [--main PATH] DIR… | memory=DIR;now=ISO;sessions=DIR;name=N …
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative, sep } from "node:path";
import { parseArgs } from "node:util";
import { addHarm, emptyHarm, fileHarm, type Harm } from "./real/harm.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  // --keep DIR: keep each store's first proposal as DIR/<name> (for the audit's sampler) and the second
  // dream's manifest as DIR/<name>.second.json; never commit them.
  options: {
    engine: { type: "string", default: "offline" },
    json: { type: "string" },
    keep: { type: "string" },
    // --main PATH: the dreamd to measure (another checkout's src/main.ts), for a before/after table
    // counted by this bench's own harm reading.
    main: { type: "string" },
  },
});

interface Store {
  name: string;
  memory: string;
  now: string | null;
  sessions: string | null;
}

function storeOf(arg: string): Store {
  if (!arg.includes("memory=")) return { name: basename(arg), memory: arg, now: null, sessions: null };
  const kv = Object.fromEntries(arg.split(";").map((p) => p.split("=", 2) as [string, string]));
  const memory = kv.memory ?? "";
  return { name: kv.name ?? basename(memory), memory, now: kv.now ?? null, sessions: kv.sessions ?? null };
}

const MAIN = values.main ?? new URL("../src/main.ts", import.meta.url).pathname;

interface Decision {
  kind: string;
  rule?: string;
  reason: string;
}

/**
 * One decision, wherever the lines it cites have moved: the first dream's removals shift the line
 * numbers a second dream quotes.
 */
const decision = (d: Decision) => `${d.kind}\0${d.rule ?? ""}\0${d.reason.replace(/:\d+/g, ":")}`;

/** The second dream's operations that are not ones the first deferred: each a decision that compounds. */
function notDeferred(second: readonly Decision[], deferred: readonly Decision[]): number {
  const left = new Map<string, number>();
  for (const d of deferred) left.set(decision(d), (left.get(decision(d)) ?? 0) + 1);
  let n = 0;
  for (const op of second) {
    const k = decision(op);
    const m = left.get(k) ?? 0;
    if (m > 0) left.set(k, m - 1);
    else n++;
  }
  return n;
}

interface DreamRun {
  dir: string;
  ms: number;
  maxRssMb: number;
  manifest: {
    operations: Decision[];
    refused: unknown[];
    deferred?: Decision[];
    output: { changed: string[]; skipped?: { path: string }[] };
    stats: { entries: number; files: number };
  };
}

function dream(memory: string, out: string, store: Store): DreamRun {
  const args = ["-f", "%M", process.execPath, MAIN, "dream", "--memory", memory, "--out", out];
  args.push("--engine", values.engine ?? "offline", "--sessions", store.sessions ?? join(out, "no-sessions"));
  if (store.now) args.push("--now", store.now);
  const t0 = performance.now();
  const res = spawnSync("/usr/bin/time", args, { encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`dream over ${memory} failed: ${res.stderr.slice(-2000)}`);
  const dir = res.stdout.trim().split("\n").at(-1) ?? "";
  const maxRssMb = Number(res.stderr.trim().split("\n").at(-1)) / 1024;
  return {
    dir,
    ms,
    maxRssMb,
    manifest: { operations: [], refused: [], output: { changed: [] }, stats: { entries: 0, files: 0 } },
  };
}

async function withManifest(run: DreamRun): Promise<DreamRun> {
  run.manifest = JSON.parse(await readFile(join(run.dir, "manifest.json"), "utf8"));
  return run;
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string) => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const abs = join(dir, d.name);
      if (d.isDirectory()) await visit(abs);
      else if (d.isFile()) out.push(relative(root, abs).split(sep).join("/"));
    }
  };
  await visit(root);
  return out;
}

// Markdown notes: a .txt note is plain text (an indented line there is not code), as dreamd reads it.
const NOTE = /\.(md|markdown)$/i;

async function harmOf(memory: string, store: string, run: DreamRun): Promise<Harm> {
  let total = emptyHarm();
  const exists = (p: string) => existsSync(join(store, p));
  const skipped = new Set((run.manifest.output.skipped ?? []).map((s) => s.path));
  const inputs = (await filesUnder(memory)).filter((p) => NOTE.test(p) && !skipped.has(p));
  for (const path of inputs) {
    const before = await readFile(join(memory, path), "utf8");
    const after = exists(path) ? await readFile(join(store, path), "utf8") : null;
    if (after === before) continue;
    total = addHarm(total, fileHarm(path, before, after, exists));
  }
  return total;
}

const rows: Record<string, unknown>[] = [];
for (const arg of positionals) {
  const store = storeOf(arg);
  const work = await mkdtemp(join(tmpdir(), "dreamd-real-"));
  try {
    const first = await withManifest(dream(store.memory, join(work, "out"), store));
    const harm = await harmOf(store.memory, join(first.dir, "store"), first);
    const second = await withManifest(dream(join(first.dir, "store"), join(work, "out2"), store));
    if (values.keep) {
      await cp(first.dir, join(values.keep, store.name), { recursive: true });
      await cp(join(second.dir, "manifest.json"), join(values.keep, `${store.name}.second.json`));
    }
    const kinds: Record<string, number> = {};
    for (const op of first.manifest.operations) kinds[op.kind] = (kinds[op.kind] ?? 0) + 1;
    const row = {
      store: store.name,
      files: first.manifest.stats.files,
      entries: first.manifest.stats.entries,
      operations: first.manifest.operations.length,
      ...kinds,
      refused: first.manifest.refused.length,
      ...harm,
      deferred: first.manifest.deferred?.length ?? 0,
      // A second dream over the first's store proposes what the first deferred, and nothing else.
      secondDream: notDeferred(second.manifest.operations, first.manifest.deferred ?? []),
      seconds: Number((first.ms / 1000).toFixed(1)),
      peakRssMb: Math.round(first.maxRssMb),
    };
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
const table = [
  `| ${columns.join(" | ")} |`,
  `| ${columns.map(() => "---").join(" | ")} |`,
  ...rows.map((r) => `| ${columns.map((c) => String(r[c] ?? 0)).join(" | ")} |`),
].join("\n");
process.stdout.write(`${table}\n`);
if (values.json) await writeFile(values.json, `${JSON.stringify(rows, null, 2)}\n`);
