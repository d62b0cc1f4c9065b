import { randomBytes } from "node:crypto";
import { lstat, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { assertNoSymlink, resolveInside } from "../fs/paths.ts";
import { type Manifest, manifestSchema } from "../manifest.ts";
import { type ProposalStatus, proposalStatuses } from "../state/session-ledger.ts";
import { readState } from "../state/state.ts";
import { DREAM_ID } from "./dream-id.ts";

/**
 * Read access to the proposals volume, plus discard. Unknown ids return null. A proposal whose
 * manifest cannot be read is listed as broken (with a reason that names no server path), never hidden.
 */
export type ProposalSummary =
  | ({
      id: string;
      createdAt: string;
      engine: string;
      operations: number;
      refused: number;
      changed: number;
      problems: number;
      /** The model's tokens (input and output) and their estimated cost; absent for the offline engine. */
      tokens?: number;
      costUsd?: number;
      /** Pending until discarded, superseded (a newer dream read its sessions again) or settled (applied). */
    } & ProposalStatus)
  | { id: string; status: "broken"; reason: string };

export interface Proposals {
  list(): Promise<ProposalSummary[]>;
  /** The summary of one proposal (cached like the list), or null when there is no such directory. */
  summary(id: string): Promise<ProposalSummary | null>;
  /** The parsed manifest; null for an unknown id or a broken manifest. */
  manifest(id: string): Promise<Manifest | null>;
  diff(id: string): Promise<string | null>;
  /** A file of the proposed store; throws PathError for a path outside it. */
  file(id: string, path: string): Promise<Buffer | null>;
  discard(id: string): Promise<boolean>;
}

export interface ProposalsOptions {
  /** A manifest larger than this is listed as broken without being read (it would not fit the heap). */
  maxManifestBytes?: number;
}

/** One cache entry: the summary of a manifest as it was at (mtime, size). Never the manifest itself. */
export interface SummaryEntry {
  mtimeMs: number;
  size: number;
  summary: ProposalSummary;
}

const MiB = 1 << 20;
const sizeOf = (n: number) => (n >= MiB ? `${(n / MiB).toFixed(0)} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** Absence, and names the OS will not resolve (too long, through a file): expected, answered with null. */
const ABSENT = new Set(["ENOENT", "EISDIR", "ENOTDIR", "ENAMETOOLONG", "ELOOP"]);
const absent = (err: unknown) => ABSENT.has((err as NodeJS.ErrnoException).code ?? "");

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if (absent(err)) return null;
    throw err;
  }
}

type Parsed = { ok: true; manifest: Manifest } | { ok: false; reason: string };

function parseManifest(raw: Buffer): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    return { ok: false, reason: "manifest.json is not valid JSON (truncated or corrupt)" };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `manifest.json does not match the manifest schema (${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"})`,
    };
  }
  return { ok: true, manifest: parsed.data };
}

function summarise(id: string, m: Manifest): ProposalSummary {
  return {
    id,
    // The cached placeholder; the list puts the ledger's status in (it changes without the manifest).
    status: "pending",
    createdAt: m.createdAt,
    engine: m.engine.name,
    operations: m.operations.length,
    refused: m.refused.length,
    changed: m.output.changed.length,
    problems: m.problems.length,
    ...(m.usage ? { tokens: m.usage.inputTokens + m.usage.outputTokens, costUsd: m.usage.costUsd } : {}),
  };
}

export function createProposals(
  proposalsDir: string,
  opts: ProposalsOptions = {},
): Proposals & { cached(): ReadonlyMap<string, SummaryEntry> } {
  const maxManifestBytes = opts.maxManifestBytes ?? 256 * MiB;
  const dirOf = (id: string) => (DREAM_ID.test(id) ? join(proposalsDir, id) : null);
  const manifestPath = (dir: string) => join(dir, "manifest.json");

  // GET /dreams is polled; parsing every manifest each time cost 0.5 s and 1 GB for one 38 MB manifest.
  // A proposal is written once (renamed into place), so (mtime, size) of its manifest is a safe key.
  const cache = new Map<string, SummaryEntry>();
  const inflight = new Map<string, Promise<ProposalSummary>>();

  const compute = async (id: string, dir: string, size: number): Promise<ProposalSummary> => {
    if (size > maxManifestBytes) {
      return {
        id,
        status: "broken",
        reason: `manifest.json is ${sizeOf(size)}, more than the ${sizeOf(maxManifestBytes)} this API reads`,
      };
    }
    const raw = await readOrNull(manifestPath(dir));
    if (!raw) return { id, status: "broken", reason: "manifest.json is missing" };
    // The parsed manifest goes out of scope here: only the few numbers of the summary are kept.
    const parsed = parseManifest(raw);
    return parsed.ok ? summarise(id, parsed.manifest) : { id, status: "broken", reason: parsed.reason };
  };

  const cachedSummary = async (id: string): Promise<ProposalSummary | null> => {
    const dir = dirOf(id);
    if (!dir) return null;
    const dirStat = await lstat(dir).catch(() => null);
    if (!dirStat?.isDirectory()) {
      cache.delete(id);
      return null;
    }
    const st = await stat(manifestPath(dir)).catch(() => null);
    if (!st?.isFile()) {
      cache.delete(id);
      return { id, status: "broken", reason: "manifest.json is missing" };
    }
    const hit = cache.get(id);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.summary;
    const key = `${id}\0${st.mtimeMs}\0${st.size}`;
    let pending = inflight.get(key);
    if (!pending) {
      pending = compute(id, dir, st.size).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    const s = await pending;
    cache.set(id, { mtimeMs: st.mtimeMs, size: st.size, summary: s });
    return s;
  };

  const ledgerStatus = async () => proposalStatuses((await readState(proposalsDir)).ledger);
  const withStatus = (s: ProposalSummary, statusOf: (id: string) => ProposalStatus): ProposalSummary =>
    s.status === "broken" ? s : { ...s, ...statusOf(s.id) };
  const summary = async (id: string): Promise<ProposalSummary | null> => {
    const s = await cachedSummary(id);
    return s && withStatus(s, await ledgerStatus());
  };

  const manifest = async (id: string): Promise<Manifest | null> => {
    const dir = dirOf(id);
    if (!dir) return null;
    const st = await stat(manifestPath(dir)).catch(() => null);
    if (!st || st.size > maxManifestBytes) return null;
    const raw = await readOrNull(manifestPath(dir));
    if (!raw) return null;
    const parsed = parseManifest(raw);
    return parsed.ok ? parsed.manifest : null;
  };

  return {
    async list() {
      const names = (await readdir(proposalsDir).catch(() => [] as string[])).filter((n) => DREAM_ID.test(n));
      const present = new Set(names);
      for (const id of cache.keys()) if (!present.has(id)) cache.delete(id);
      const out: ProposalSummary[] = [];
      const statusOf = await ledgerStatus();
      // One at a time: a cold cache over many large manifests must not hold them all at once.
      for (const id of names.sort().reverse()) {
        const s = await cachedSummary(id);
        if (s) out.push(withStatus(s, statusOf));
      }
      return out;
    },
    summary,
    manifest,
    async diff(id) {
      const dir = dirOf(id);
      const s = dir ? await cachedSummary(id) : null;
      if (!dir || !s || s.status === "broken") return null;
      return (await readOrNull(join(dir, "diff.patch")))?.toString("utf8") ?? null;
    },
    async file(id, path) {
      const dir = dirOf(id);
      if (!dir) return null;
      const store = join(dir, "store");
      const abs = resolveInside(store, path);
      await assertNoSymlink(store, abs);
      return readOrNull(abs);
    },
    async discard(id) {
      const dir = dirOf(id);
      // A broken proposal (unreadable manifest) can be discarded too: the name says it is a proposal.
      if (!dir || !(await lstat(dir).catch(() => null))?.isDirectory()) return false;
      // Removing the directory is what releases its sessions (session-ledger.ts): no state write races a
      // dream. Rename first so a crash mid-delete never leaves a half proposal that looks whole. The rename is
      // also the one atomic step among concurrent discards of one id: exactly one wins, the rest see
      // ENOENT and answer "no such dream". A unique trash name keeps a leftover from blocking it.
      const trash = join(proposalsDir, `.trash-${id}-${randomBytes(4).toString("hex")}`);
      try {
        await rename(dir, trash);
      } catch (err) {
        if (absent(err)) return false;
        throw err;
      }
      cache.delete(id);
      await rm(trash, { recursive: true, force: true });
      return true;
    },
    cached: () => cache,
  };
}
