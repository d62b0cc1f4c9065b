import { appendFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fsyncDir } from "../fs/atomic.ts";
import type { OpResult } from "./execute.ts";

/** One line of the apply log: an apply, a revert (`reverts`) or a rollback (`rollback`). */
export interface ApplyRecord {
  applyId: string;
  dreamId: string;
  at: string;
  by: string;
  results: OpResult[];
  /** The files changed: what a revert or a rollback returns. */
  changed: string[];
  /** A revert: the apply it undoes. */
  reverts?: string;
  /** A rollback: the snapshot it restored. */
  rollback?: string;
  /** The snapshot (a name in the snapshots dir) of the memory just before: what undoes this whole step. */
  snapshot?: string;
}

export const applyLogPathOf = (stateDir: string) => join(stateDir, "applies.jsonl");

/** Every record, oldest first; a torn line (a kill mid-append) is skipped. */
export async function readApplyLog(stateDir: string): Promise<ApplyRecord[]> {
  const text = await readFile(applyLogPathOf(stateDir), "utf8").catch(() => "");
  return text.split("\n").flatMap((l) => {
    if (!l.trim()) return [];
    try {
      return [JSON.parse(l) as ApplyRecord];
    } catch {
      return [];
    }
  });
}

/**
 * Append a record durably to the apply log, and to the proposal it concerns (`<proposal>/applies.jsonl`,
 * so a proposal carries what became of each of its operations).
 */
export async function appendApplyLog(
  stateDir: string,
  record: ApplyRecord,
  proposalDir?: string,
): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const line = `${JSON.stringify(record)}\n`;
  await appendFile(applyLogPathOf(stateDir), line);
  await fsyncDir(stateDir);
  if (proposalDir) {
    await appendFile(join(proposalDir, "applies.jsonl"), line);
    await fsyncDir(proposalDir);
  }
}
