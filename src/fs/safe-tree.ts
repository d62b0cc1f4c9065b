import { constants, readlinkSync, type Stats } from "node:fs";
import { type FileHandle, lstat, open, readdir, realpath } from "node:fs/promises";

/**
 * Reads below a root that never leave it, whatever a concurrent writer does to the tree.
 *
 * Checking a path and then opening it by path is a race: swap a directory for a symlink in between and
 * the open reads a file outside the root (O_NOFOLLOW guards only the last component). So a walk holds
 * each directory open and reaches its children through that descriptor: `/proc/self/fd/<dirfd>/<name>`
 * names the child of exactly the inode already open, which is openat(2) in effect. Every open uses
 * O_NOFOLLOW; only what lstat calls a regular file or a directory is ever opened (never a FIFO, which
 * can block, or a device), with O_NONBLOCK in case it changed type since; after the open, fstat must
 * show the same (dev, ino) and type, and the kernel's own name for the descriptor must be the expected
 * path inside the root (a directory moved out of the root mid-walk fails this).
 *
 * What cannot be read is returned as a skipped entry — symlinks, FIFOs, sockets, devices, permission
 * denied (EACCES/EPERM), removed or replaced while being read — never thrown; other errors (EIO,
 * EMFILE) are thrown, since skipping on them would be a guess. Without /proc (not Linux) children are
 * opened by full path with the same checks, which catches a swap but cannot prevent every one.
 */

/** The few calls this module makes: a parameter so tests can inject a failure (tests run as root). */
export interface TreeFs {
  open(path: string, flags: number): Promise<FileHandle>;
  lstat(path: string): Promise<Stats>;
  readdir(path: string): Promise<string[]>;
  /** The kernel's path of an open descriptor, or null when it cannot tell (no /proc). */
  fdPath(fd: number): string | null;
}

export const nodeTreeFs: TreeFs = {
  open: (path, flags) => open(path, flags),
  lstat: (path) => lstat(path),
  readdir: (path) => readdir(path),
  // Sync on purpose: procfs answers from memory, never from a disk or a network filesystem.
  fdPath: (fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return null;
    }
  },
};

export type SkipKind = "symlink" | "special" | "unreadable" | "vanished" | "replaced" | "too-deep";

export interface SkippedEntry {
  type: "skipped";
  /** Posix path relative to the root. */
  path: string;
  kind: SkipKind;
  /** For a report, e.g. "symlink: not followed", "unreadable (EACCES)". */
  error: string;
  /** A directory, with everything in it. */
  dir: boolean;
}

export interface DirEntry {
  type: "dir";
  /** Posix path relative to the root; "" is the root itself. */
  path: string;
  stat: Stats;
}

export type Opened = { ok: true; fh: FileHandle; stat: Stats } | SkippedEntry;

export interface FileEntry {
  type: "file";
  path: string;
  /** lstat before opening; `open()` checks the file it opens is this one. */
  stat: Stats;
  /**
   * Call it before pulling the next entry (awaiting it later is fine: the walk keeps the directory open
   * until every open started in it has settled). The caller closes the handle.
   */
  open(): Promise<Opened>;
}

export type TreeEntry = DirEntry | FileEntry | SkippedEntry;

export interface TreeOptions {
  signal?: AbortSignal;
  fs?: TreeFs;
}

/** Deeper trees are reported, not walked: every level holds a descriptor. */
export const MAX_DEPTH = 64;

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const FILE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? "";

function skipped(path: string, kind: SkipKind, error: string, dir = false): SkippedEntry {
  return { type: "skipped", path, kind, error, dir };
}

function specialName(st: Stats): string {
  if (st.isFIFO()) return "fifo";
  if (st.isSocket()) return "socket";
  if (st.isBlockDevice() || st.isCharacterDevice()) return "device";
  return "special file";
}

/** What lstat says a child is: walk it, open it, or skip it (and why). */
function classify(path: string, st: Stats): "dir" | "file" | SkippedEntry {
  if (st.isDirectory()) return "dir";
  if (st.isFile()) return "file";
  if (st.isSymbolicLink()) return skipped(path, "symlink", "symlink: not followed");
  return skipped(path, "special", `${specialName(st)}: not a regular file, never opened`);
}

/** An errno from lstat/open/readdir as a skipped entry; anything else is not ours to guess about. */
function skipFor(path: string, err: unknown, dir: boolean): SkippedEntry {
  const code = codeOf(err);
  const what = dir ? "unreadable directory" : "unreadable";
  if (code === "EACCES" || code === "EPERM") {
    return skipped(
      path,
      "unreadable",
      dir ? `${what} (${code}): nothing in it read` : `${what} (${code})`,
      dir,
    );
  }
  if (code === "ENOENT") return skipped(path, "vanished", "removed while being read", dir);
  // O_NOFOLLOW on a symlink: ELOOP; O_DIRECTORY on what is no longer a directory: ENOTDIR.
  if (code === "ELOOP" || code === "ENOTDIR" || code === "ENXIO") {
    return skipped(path, "replaced", "replaced while being read (not followed)", dir);
  }
  throw err;
}

const sameInode = (a: Stats, b: Stats) => a.dev === b.dev && a.ino === b.ino;

const closeAndThrow = (fh: FileHandle) => async (err: unknown) => {
  await fh.close();
  throw err;
};

interface Root {
  real: string;
  fh: FileHandle;
  /** Children are opened through /proc/self/fd (openat); false: by full path. */
  viaFd: boolean;
}

/** Open the root, following it once if it is a symlink (Kubernetes mounts volumes through `..data`). */
async function openRoot(root: string, fs: TreeFs): Promise<Root> {
  const fh = await fs.open(await realpath(root), constants.O_RDONLY | constants.O_DIRECTORY);
  // The kernel's name for the root is what the names of the descriptors opened below it must start with.
  const kernel = fs.fdPath(fh.fd);
  if (kernel !== null) return { real: kernel, fh, viaFd: true };
  return { real: await realpath(root), fh, viaFd: false };
}

const join = (a: string, b: string) => (a ? `${a}/${b}` : b);
const absOf = (root: Root, rel: string) => (rel ? `${root.real === "/" ? "" : root.real}/${rel}` : root.real);

/** A directory held open during a walk. */
interface Dir {
  fh: FileHandle;
  rel: string;
  stat: Stats;
  /** Opens of its children still resolving through its descriptor: it stays open until they settle. */
  pending?: Set<Promise<unknown>>;
  closed?: boolean;
}

async function closeDir(dir: Dir): Promise<void> {
  dir.closed = true;
  if (dir.pending) await Promise.allSettled(dir.pending);
  await dir.fh.close();
}

/** lstat this many children of a directory at once: each is a trip to the thread pool. */
const LSTAT_BATCH = 32;

/** Where a child of an open directory is reached: through the descriptor when we can. */
function childPath(root: Root, dir: Dir, name: string): string {
  return root.viaFd ? `/proc/self/fd/${dir.fh.fd}/${name}` : absOf(root, join(dir.rel, name));
}

/** Is the opened `fh` the inode at `rel`, reached the way we think? */
async function stillThere(root: Root, fs: TreeFs, dir: Dir, rel: string, fh: FileHandle): Promise<boolean> {
  if (root.viaFd) return fs.fdPath(fh.fd) === absOf(root, rel);
  // By full path, a directory above could have been swapped for a link and back; this catches a
  // swap that is still in place, not one undone in time (hence the descriptor walk where /proc exists).
  const now = await fs.lstat(absOf(root, dir.rel)).catch(() => null);
  return now?.isDirectory() === true && sameInode(now, dir.stat);
}

/**
 * Open `name` in the open directory `dir`, expecting what `before` (its lstat) described. Returns the
 * handle only when it is that inode, of that type, at that path inside the root.
 */
async function openChild(root: Root, fs: TreeFs, dir: Dir, name: string, before: Stats): Promise<Opened> {
  const rel = join(dir.rel, name);
  const isDir = before.isDirectory();
  let fh: FileHandle;
  try {
    fh = await fs.open(childPath(root, dir, name), isDir ? DIR_FLAGS : FILE_FLAGS);
  } catch (err) {
    return skipFor(rel, err, isDir);
  }
  try {
    const st = await fh.stat();
    const typeOk = isDir ? st.isDirectory() : st.isFile();
    if (!typeOk || !sameInode(st, before) || !(await stillThere(root, fs, dir, rel, fh))) {
      await fh.close();
      return skipped(rel, "replaced", "replaced while being read (not followed)", isDir);
    }
    return { ok: true, fh, stat: st };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/**
 * Every directory, file and skipped entry below `root`, depth first, each directory's names sorted.
 * The root comes first (path ""). Nothing is opened but directories unless the caller calls `open()`.
 */
export async function* walkTree(root: string, opts: TreeOptions = {}): AsyncGenerator<TreeEntry> {
  const fs = opts.fs ?? nodeTreeFs;
  const r = await openRoot(root, fs);
  const top: Dir = { fh: r.fh, rel: "", stat: await r.fh.stat().catch(closeAndThrow(r.fh)) };
  try {
    yield { type: "dir", path: "", stat: top.stat };
    yield* walkDir(r, fs, top, 1, opts.signal);
  } finally {
    await closeDir(top);
  }
}

async function* walkDir(
  root: Root,
  fs: TreeFs,
  dir: Dir,
  depth: number,
  signal?: AbortSignal,
): AsyncGenerator<TreeEntry> {
  signal?.throwIfAborted();
  let names: string[];
  try {
    names = await fs.readdir(root.viaFd ? `/proc/self/fd/${dir.fh.fd}` : absOf(root, dir.rel));
  } catch (err) {
    yield skipFor(dir.rel, err, true);
    return;
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const pending = new Set<Promise<unknown>>();
  dir.pending = pending;
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    const done = () => pending.delete(p);
    p.then(done, done);
    return p;
  };
  let stats: Promise<Stats | { err: unknown }>[] = [];
  for (const [i, name] of names.entries()) {
    signal?.throwIfAborted();
    if (i % LSTAT_BATCH === 0) {
      stats = names
        .slice(i, i + LSTAT_BATCH)
        .map((n) => track(fs.lstat(childPath(root, dir, n)).catch((err: unknown) => ({ err }))));
    }
    const rel = join(dir.rel, name);
    // biome-ignore lint/style/noNonNullAssertion: the batch covers index i
    const st = await stats[i % LSTAT_BATCH]!;
    if ("err" in st) {
      yield skipFor(rel, st.err, false);
      continue;
    }
    const kind = classify(rel, st);
    if (kind === "file") {
      const open = () => {
        if (dir.closed) throw new Error(`safe-tree: ${rel} opened after the walk left its directory`);
        return track(openChild(root, fs, dir, name, st));
      };
      yield { type: "file", path: rel, stat: st, open };
      continue;
    }
    if (kind !== "dir") {
      yield kind;
      continue;
    }
    if (depth > MAX_DEPTH) {
      yield skipped(rel, "too-deep", `more than ${MAX_DEPTH} levels deep: not walked`, true);
      continue;
    }
    const sub = await openChild(root, fs, dir, name, st);
    if (!("ok" in sub)) {
      yield sub;
      continue;
    }
    const child: Dir = { fh: sub.fh, rel, stat: sub.stat };
    try {
      yield { type: "dir", path: rel, stat: sub.stat };
      yield* walkDir(root, fs, child, depth + 1, signal);
    } finally {
      await closeDir(child);
    }
  }
}

/**
 * Open one file by its relative path, every component without following links (each directory
 * through the descriptor of its parent). A path that names a symlink, a special file, something that
 * changed meanwhile or cannot be read comes back skipped. The caller closes the handle.
 */
export async function openInside(
  root: string,
  rel: string,
  opts: Pick<TreeOptions, "fs"> = {},
): Promise<Opened> {
  const fs = opts.fs ?? nodeTreeFs;
  const parts = rel.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) throw new Error(`safe-tree: bad path ${rel}`);
  const r = await openRoot(root, fs);
  const held: FileHandle[] = [r.fh];
  try {
    let dir: Dir = { fh: r.fh, rel: "", stat: await r.fh.stat() };
    for (const [i, name] of parts.entries()) {
      const path = join(dir.rel, name);
      let st: Stats;
      try {
        st = await fs.lstat(childPath(r, dir, name));
      } catch (err) {
        return skipFor(path, err, false);
      }
      const kind = classify(path, st);
      const last = i === parts.length - 1;
      if (typeof kind !== "string") return kind;
      if (kind !== (last ? "file" : "dir")) {
        return skipped(
          path,
          "replaced",
          last ? "a directory, not a file" : "not a directory",
          kind === "dir",
        );
      }
      const opened = await openChild(r, fs, dir, name, st);
      if (!("ok" in opened) || last) return opened;
      held.push(opened.fh);
      dir = { fh: opened.fh, rel: path, stat: opened.stat };
    }
    throw new Error("unreachable");
  } finally {
    for (const fh of held) await fh.close();
  }
}
