import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import type { Change, Operation } from "../manifest.ts";
import { splitLines } from "../memory/entries.ts";
import { joinLines } from "../proposal/apply-changes.ts";
import { commitFiles, type Step } from "./journal.ts";
import { planApply } from "./plan.ts";

export interface OpResult {
  op: string;
  status: "applied" | "conflict" | "skipped";
  reason?: string;
}

/** What undoes an apply: each operation's inverse changes where its lines stand after it, and the files. */
export interface UndoRecord {
  applyId: string;
  ops: { op: string; changes: Change[] }[];
  files: { path: string; after: string }[];
  /** Notes the apply created: a revert that empties one removes it. */
  created?: string[];
}

export const undoPathOf = (stateDir: string, applyId: string) => join(stateDir, "undo", `${applyId}.json`);

/**
 * The inverse of the changes placed in one file, in the file's line numbers after them all: a change
 * lower in the file moves by what every change above it added or removed.
 */
function inverses(placed: ReadonlyMap<string, Change[]>): Map<string, Change[]> {
  const all = [...placed].flatMap(([op, cs]) => cs.map((c) => ({ op, c })));
  const out = new Map<string, Change[]>();
  const byPath = new Map<string, { op: string; c: Change }[]>();
  for (const x of all) byPath.set(x.c.path, [...(byPath.get(x.c.path) ?? []), x]);
  for (const list of byPath.values()) {
    let shift = 0;
    for (const { op, c } of list.sort((a, b) => a.c.startLine - b.c.startLine)) {
      const start = c.startLine + shift;
      const inv: Change = {
        path: c.path,
        startLine: start,
        endLine: start + c.after.length - 1,
        before: c.after,
        after: c.before,
      };
      out.set(op, [...(out.get(op) ?? []), inv]);
      shift += c.after.length - (c.endLine - c.startLine + 1);
    }
  }
  return out;
}

/**
 * Plan `ops` against the live files, commit what applies through the journal (all files or none), and
 * keep what undoes it. The shared step of apply and revert.
 */
export async function execute(opts: {
  ops: readonly Operation[];
  /** Reads the live files the plan needs (again after a race with the agent). */
  read: () => Promise<ReadonlyMap<string, Buffer | null>>;
  base: (path: string) => string[] | null;
  memoryDir: string;
  stateDir: string;
  applyId: string;
  step?: Step;
  /** Files to remove rather than leave empty (a revert of the notes an apply created). */
  removeIfEmptied?: ReadonlySet<string>;
  /** Plans tried when the agent keeps writing a file between plan and rename (default 5). */
  attempts?: number;
  /** Between attempts (default: 20 ms, doubling). */
  pause?: (attempt: number) => Promise<void>;
  /** How long replaced files are watched for late writes after the last rename (ms; commitFiles). */
  graceMs?: number;
}): Promise<{ results: OpResult[]; changed: string[] }> {
  const attempts = opts.attempts ?? 5;
  const pause = opts.pause ?? ((a: number) => new Promise<void>((r) => setTimeout(r, 20 * 2 ** a)));
  for (let attempt = 1; ; attempt++) {
    const r = await executeOnce(opts, await opts.read());
    // The agent wrote a file while it was being swapped: everything was rolled back, so plan again
    // against what it wrote (re-anchoring keeps its lines) rather than fail the whole apply.
    if (!r.raced || attempt >= attempts) return { results: r.results, changed: r.changed };
    await pause(attempt);
  }
}

async function executeOnce(
  opts: Omit<Parameters<typeof execute>[0], "read">,
  texts: ReadonlyMap<string, Buffer | null>,
): Promise<{ results: OpResult[]; changed: string[]; raced: boolean }> {
  const lines = (p: string) => {
    const t = texts.get(p);
    return t ? splitLines(t.toString("utf8")) : null;
  };
  const plan = planApply(opts.ops, lines, opts.base);
  const files = [...plan.files].map(([path, f]) => {
    const before = texts.get(path) ?? null;
    const finalNewline = before ? before.toString("utf8").endsWith("\n") : true;
    const gone = f.after.length === 0 && opts.removeIfEmptied?.has(path);
    return { path, before, after: gone ? null : joinLines(f.after, finalNewline) };
  });
  if (!files.length) return { results: plan.results, changed: [], raced: false };
  const undo: UndoRecord = {
    applyId: opts.applyId,
    ops: [...inverses(plan.placed)].map(([op, changes]) => ({ op, changes })),
    files: files.map((f) => ({ path: f.path, after: f.after ?? "" })),
    created: files.filter((f) => f.before === null).map((f) => f.path),
  };
  // Kept before memory changes: an apply that lands is always undoable.
  await writeFileAtomic(undoPathOf(opts.stateDir, opts.applyId), JSON.stringify(undo));
  const done = await commitFiles({
    memoryDir: opts.memoryDir,
    stateDir: opts.stateDir,
    applyId: opts.applyId,
    files,
    ...(opts.step ? { step: opts.step } : {}),
    ...(opts.graceMs ? { graceMs: opts.graceMs } : {}),
  });
  if (done.committed) {
    // A file the agent rewrote through a descriptor it held across the apply keeps the agent's version:
    // the operations that changed it did not land.
    const kept = new Map(done.kept.map((k) => [k.path, k]));
    const touched = (op: string) => (plan.placed.get(op) ?? []).map((c) => kept.get(c.path)).find(Boolean);
    return {
      raced: false,
      changed: files.map((f) => f.path),
      results: plan.results.map((r) => {
        const k = r.status === "applied" ? touched(r.op) : undefined;
        if (!k) return r;
        const where = k.savedAt ? `saved at ${k.savedAt}` : "kept in memory";
        return {
          op: r.op,
          status: "conflict",
          reason: `the agent rewrote ${k.path} through a descriptor it held during the apply; its version is ${where}`,
        };
      }),
    };
  }
  return {
    changed: [],
    raced: true,
    results: plan.results.map((r) =>
      r.status === "applied"
        ? {
            op: r.op,
            status: "conflict",
            reason: `the agent kept writing ${done.changed.join(", ")} during the apply; nothing applied, apply again`,
          }
        : r,
    ),
  };
}
