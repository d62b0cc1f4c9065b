import type { FileHandle } from "node:fs/promises";
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fsyncDir, sha256, writeFileAtomic } from "../fs/atomic.ts";
import { resolveInside } from "../fs/paths.ts";
import { openLive, readHeld, readLive } from "./live.ts";

/**
 * The apply journal (issue 14): every file's new content is staged and fsynced on the proposals volume,
 * then `apply-journal.json` is written (atomically) naming each file with the sha256 it had and will
 * have; only then is memory touched, one atomic rename per file. A crash before the journal exists
 * leaves memory as it was; after, recovery rolls every file forward from its staged copy. So memory is
 * always exactly the pre-apply or the post-apply state. Steps call `step(name)` first: a test kills the
 * process at each one.
 */
export interface JournalFile {
  path: string;
  /** sha256 of the content the apply replaces; null for a new note. */
  beforeSha: string | null;
  /** sha256 of the new content; null when the file is removed (a rollback past a note added since). */
  afterSha: string | null;
  /** Staged new content, relative to the staging dir. */
  staged: string;
  mode: number;
  uid: number | null;
  gid: number | null;
}

export interface Journal {
  applyId: string;
  /** forward: recovery finishes the apply; back: an abort was under way, recovery finishes undoing it. */
  direction: "forward" | "back";
  files: JournalFile[];
}

export const journalPathOf = (stateDir: string) => join(stateDir, "apply-journal.json");
const stagingOf = (stateDir: string, applyId: string) => join(stateDir, `apply-${applyId}`);

export type Step = (name: string) => void | Promise<void>;

/** Swap one file to its staged content, keeping its mode, owner and group. */
async function swap(memoryDir: string, f: JournalFile, content: Buffer, step: Step): Promise<void> {
  const abs = resolveInside(memoryDir, f.path);
  await step(`rename ${f.path}`);
  await writeFileAtomic(abs, content, {
    mode: f.mode,
    ...(f.uid !== null && f.gid !== null ? { owner: { uid: f.uid, gid: f.gid } } : {}),
    step: (s) => step(`${s} ${f.path}`),
  });
}

export interface StagedFile {
  path: string;
  before: Buffer | null;
  /** null: remove the file. */
  after: string | Buffer | null;
}

/**
 * Apply `files` through the journal. Each file must still hold `before` at the moment it is swapped;
 * one that the agent changed since is left as the agent wrote it and returned, with the files already
 * swapped rolled back, so the apply is all or nothing: memory as before, and the paths that moved.
 */
export async function commitFiles(opts: {
  memoryDir: string;
  stateDir: string;
  applyId: string;
  files: readonly StagedFile[];
  step?: Step;
  /**
   * How long the replaced files are watched after the last rename (ms, default 0: checked once): an
   * agent still writing through a descriptor it opened before the rename writes to the old file.
   */
  graceMs?: number;
}): Promise<{ committed: true; carried: string[]; kept: Kept[] } | { committed: false; changed: string[] }> {
  const step = opts.step ?? (() => {});
  const staging = stagingOf(opts.stateDir, opts.applyId);
  await mkdir(staging, { recursive: true });
  const entries: JournalFile[] = [];
  for (const [i, f] of opts.files.entries()) {
    const abs = resolveInside(opts.memoryDir, f.path);
    const st = f.before ? await stat(abs) : null;
    await step(`stage ${f.path}`);
    if (f.after !== null) await writeFileAtomic(join(staging, String(i)), f.after);
    entries.push({
      path: f.path,
      beforeSha: f.before ? sha256(f.before) : null,
      afterSha: f.after === null ? null : sha256(f.after),
      staged: String(i),
      mode: st ? st.mode & 0o7777 : 0o644,
      uid: st ? st.uid : null,
      gid: st ? st.gid : null,
    });
  }
  // The before contents too, so an abort can put back what it swapped.
  for (const [i, f] of opts.files.entries())
    if (f.before) await writeFile(join(staging, `${i}.before`), f.before);
  await fsyncDir(staging);
  await step("journal");
  const journal: Journal = { applyId: opts.applyId, direction: "forward", files: entries };
  await writeFileAtomic(journalPathOf(opts.stateDir), JSON.stringify(journal));
  const swapped: JournalFile[] = [];
  const turnBack = async () => {
    // Put back what was swapped. The journal turns first, so a crash while undoing is undone by
    // recovery, never finished forward.
    await step("turn back");
    await writeFileAtomic(journalPathOf(opts.stateDir), JSON.stringify({ ...journal, direction: "back" }));
    for (const s of swapped.reverse()) await undo(opts.memoryDir, staging, s, step);
    await finish(opts.stateDir, opts.applyId);
  };
  // Every replaced file stays open until the end: what lands on it after its rename is carried over.
  const replaced: { f: JournalFile; held: FileHandle; before: Buffer }[] = [];
  try {
    for (const f of entries) {
      await step(`check ${f.path}`);
      // Held open across the rename: a rename has no compare-and-swap, so an append that lands on the old
      // file after this check is read back through the descriptor, never lost.
      const held = f.beforeSha ? await openLive(opts.memoryDir, f.path) : null;
      let keep = false;
      try {
        const live = held ? await readHeld(held) : await readLive(opts.memoryDir, f.path);
        const liveSha = live ? sha256(live) : null;
        if (liveSha !== f.beforeSha) {
          await turnBack();
          return { committed: false, changed: [f.path] };
        }
        await forward(opts.memoryDir, staging, f, step);
        swapped.push(f);
        if (held) {
          const after = await readHeld(held);
          if (sha256(after) !== f.beforeSha) {
            // The agent wrote to the file between the check and the rename: its version goes back as it
            // wrote it, and the rest of the apply is rolled back.
            swapped.pop();
            await writeFileAtomic(resolveInside(opts.memoryDir, f.path), after, {
              mode: f.mode,
              ...(f.uid !== null && f.gid !== null ? { owner: { uid: f.uid, gid: f.gid } } : {}),
            });
            await turnBack();
            return { committed: false, changed: [f.path] };
          }
          const before = opts.files.find((x) => x.path === f.path)?.before;
          if (before) {
            replaced.push({ f, held, before });
            keep = true;
          }
        }
      } finally {
        if (!keep) await held?.close();
      }
    }
    if (opts.graceMs) {
      await step("grace");
      await new Promise((r) => setTimeout(r, opts.graceMs));
    }
    const carried: string[] = [];
    const kept: Kept[] = [];
    for (const r of replaced) {
      const late = await carryOver(opts, staging, r, step);
      if (late === "carried") carried.push(r.f.path);
      else if (late) kept.push(late);
    }
    await step("done");
    await finish(opts.stateDir, opts.applyId);
    return { committed: true, carried, kept };
  } finally {
    for (const r of replaced) await r.held.close().catch(() => {});
  }
}

/** A file the agent rewrote through a descriptor held across the apply: where its version went. */
export interface Kept {
  path: string;
  /** Put back in memory (the apply's change to it undone), or, when memory had moved on too, saved here. */
  savedAt: string | null;
}

/**
 * What the agent wrote to a replaced file after its rename (through a descriptor opened before it): an
 * append is saved beside the journal, then appended to the new file, so nothing it wrote is lost and a
 * crash in between is finished by recovery; any other rewrite puts the agent's version back when memory
 * still holds the apply's, or saves it on the proposals volume when it does not.
 */
async function carryOver(
  opts: { memoryDir: string; stateDir: string; applyId: string },
  staging: string,
  r: { f: JournalFile; held: FileHandle; before: Buffer },
  step: Step,
): Promise<"carried" | Kept | null> {
  const old = await readHeld(r.held);
  if (sha256(old) === r.f.beforeSha) return null;
  const abs = resolveInside(opts.memoryDir, r.f.path);
  if (old.length > r.before.length && old.subarray(0, r.before.length).equals(r.before)) {
    await step(`carry ${r.f.path}`);
    await writeFileAtomic(join(staging, `${r.f.staged}.carry`), old.subarray(r.before.length));
    await step(`append ${r.f.path}`);
    await appendFile(abs, old.subarray(r.before.length));
    return "carried";
  }
  const live = await readLive(opts.memoryDir, r.f.path);
  if (live && sha256(live) === r.f.afterSha) {
    await writeFileAtomic(abs, old, {
      mode: r.f.mode,
      ...(r.f.uid !== null && r.f.gid !== null ? { owner: { uid: r.f.uid, gid: r.f.gid } } : {}),
    });
    return { path: r.f.path, savedAt: null };
  }
  const saved = resolveInside(join(opts.stateDir, "kept", opts.applyId), r.f.path);
  await mkdir(dirname(saved), { recursive: true });
  await writeFileAtomic(saved, old);
  return { path: r.f.path, savedAt: saved };
}

/** Make a file what the journal says it becomes: its staged content, or gone. */
async function forward(memoryDir: string, staging: string, f: JournalFile, step: Step): Promise<void> {
  if (f.afterSha !== null) return swap(memoryDir, f, await readFile(join(staging, f.staged)), step);
  await step(`remove ${f.path}`);
  await rm(resolveInside(memoryDir, f.path), { force: true });
  await fsyncDir(dirname(resolveInside(memoryDir, f.path)));
}

/** Put a swapped file back as it was (remove a note the apply created). */
async function undo(memoryDir: string, staging: string, f: JournalFile, step: Step): Promise<void> {
  if (f.beforeSha) await swap(memoryDir, f, await readFile(join(staging, `${f.staged}.before`)), step);
  else {
    await step(`remove ${f.path}`);
    await rm(resolveInside(memoryDir, f.path), { force: true });
  }
}

/** A temp file a kill left beside `rel` (writeFileAtomic's `.<name>.<hex>.tmp`): never a note. */
async function removeTemps(memoryDir: string, rel: string): Promise<void> {
  const abs = resolveInside(memoryDir, rel);
  const dir = dirname(abs);
  const prefix = `.${basename(abs)}.`;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.startsWith(prefix) && /^\.[^/]*\.[0-9a-f]{12}\.tmp$/.test(name))
      await rm(join(dir, name), { force: true });
  }
}

async function finish(stateDir: string, applyId: string): Promise<void> {
  await rm(journalPathOf(stateDir), { force: true });
  await fsyncDir(stateDir);
  await rm(stagingOf(stateDir, applyId), { recursive: true, force: true });
}

/**
 * At start, before any dream or apply: finish an interrupted apply. With a journal, every file whose
 * content is still the one it replaces is rolled forward from its staged copy (one already swapped is
 * left); a file the agent changed since is left as the agent wrote it and named. Staging dirs without a
 * journal are the leftovers of an apply that never touched memory: removed.
 */
export async function recoverApply(opts: { memoryDir: string; stateDir: string }): Promise<{
  recovered: string | null;
  finished: string[];
  leftAlone: string[];
}> {
  const out = { recovered: null as string | null, finished: [] as string[], leftAlone: [] as string[] };
  const raw = await readFile(journalPathOf(opts.stateDir), "utf8").catch(() => null);
  if (raw !== null) {
    const j = JSON.parse(raw) as Journal;
    out.recovered = j.applyId;
    const staging = stagingOf(opts.stateDir, j.applyId);
    for (const f of j.files) {
      await removeTemps(opts.memoryDir, f.path);
      const live = await readLive(opts.memoryDir, f.path);
      const liveSha = live ? sha256(live) : null;
      const [done, todo] = j.direction === "forward" ? [f.afterSha, f.beforeSha] : [f.beforeSha, f.afterSha];
      if (liveSha === done) {
        // Killed between saving an agent's late append and appending it: append it now.
        const carry = await readFile(join(staging, `${f.staged}.carry`)).catch(() => null);
        if (carry && j.direction === "forward") {
          await appendFile(resolveInside(opts.memoryDir, f.path), carry);
          out.finished.push(f.path);
        }
        continue;
      }
      if (liveSha === todo) {
        if (j.direction === "forward") await forward(opts.memoryDir, staging, f, () => {});
        else await undo(opts.memoryDir, staging, f, () => {});
        out.finished.push(f.path);
      } else {
        out.leftAlone.push(f.path);
        // The agent wrote on after the carry's append was lost: its late append is still owed.
        const carry = await readFile(join(staging, `${f.staged}.carry`)).catch(() => null);
        if (carry && j.direction === "forward" && live && !live.includes(carry))
          await appendFile(resolveInside(opts.memoryDir, f.path), carry);
      }
    }
    await finish(opts.stateDir, j.applyId);
  }
  for (const name of await readdir(opts.stateDir).catch(() => [] as string[])) {
    if (name.startsWith("apply-") && name !== "apply-journal.json")
      await rm(join(opts.stateDir, name), { recursive: true, force: true });
  }
  return out;
}
