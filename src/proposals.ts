import { readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { DREAM_ID } from "./dream.ts";
import { type Manifest, manifestSchema } from "./manifest.ts";
import { assertNoSymlink, resolveInside } from "./paths.ts";
import { type ProposalStatus, proposalStatuses } from "./session-ledger.ts";
import { readState } from "./state.ts";

/** Read access to the proposals volume, plus discard. Unknown ids return null. */
export interface ProposalSummary {
  id: string;
  /** Pending until discarded, superseded (a newer dream read its sessions again) or settled (applied). */
  status: ProposalStatus["status"];
  supersededBy?: string;
  createdAt: string;
  engine: string;
  operations: number;
  refused: number;
  changed: number;
  problems: number;
}

export interface Proposals {
  list(): Promise<ProposalSummary[]>;
  manifest(id: string): Promise<Manifest | null>;
  diff(id: string): Promise<string | null>;
  /** A file of the proposed store; throws PathError for a path outside it. */
  file(id: string, path: string): Promise<Buffer | null>;
  discard(id: string): Promise<boolean>;
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return null;
    throw err;
  }
}

export function createProposals(proposalsDir: string): Proposals {
  const dirOf = (id: string) => (DREAM_ID.test(id) ? join(proposalsDir, id) : null);
  const manifest = async (id: string): Promise<Manifest | null> => {
    const dir = dirOf(id);
    if (!dir) return null;
    const raw = await readOrNull(join(dir, "manifest.json"));
    if (!raw) return null;
    const parsed = manifestSchema.safeParse(JSON.parse(raw.toString("utf8")));
    return parsed.success ? parsed.data : null;
  };
  return {
    async list() {
      const names = await readdir(proposalsDir).catch(() => [] as string[]);
      const out: ProposalSummary[] = [];
      const statusOf = proposalStatuses((await readState(proposalsDir)).ledger);
      for (const id of names
        .filter((n) => DREAM_ID.test(n))
        .sort()
        .reverse()) {
        const m = await manifest(id);
        if (!m) continue;
        out.push({
          ...statusOf(id),
          id,
          createdAt: m.createdAt,
          engine: m.engine.name,
          operations: m.operations.length,
          refused: m.refused.length,
          changed: m.output.changed.length,
          problems: m.problems.length,
        });
      }
      return out;
    },
    manifest,
    async diff(id) {
      const dir = dirOf(id);
      if (!dir || !(await manifest(id))) return null;
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
      if (!dir || !(await manifest(id))) return false;
      // Rename first so a crash mid-delete never leaves a half proposal that looks whole. Removing the
      // directory is what releases its sessions (session-ledger.ts): no state write to race a dream.
      const trash = join(proposalsDir, `.trash-${id}`);
      await rename(dir, trash);
      await rm(trash, { recursive: true, force: true });
      return true;
    },
  };
}
