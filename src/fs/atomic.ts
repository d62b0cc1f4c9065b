import { createHash, randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Write a file so that readers see either the old or the new content, never a torn one:
 * temp file in the same directory, fsync, rename, fsync of the directory. `data` may come in pieces,
 * so a large file need never be one string.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | Iterable<string>,
  opts: {
    mode?: number;
    /** Owner and group to keep (a file replaced in memory); the group alone when the owner cannot be. */
    owner?: { uid: number; gid: number };
    step?: (name: string) => void | Promise<void>;
  } = {},
): Promise<void> {
  const step = opts.step ?? (() => {});
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fh = await open(tmp, "wx", opts.mode ?? 0o644);
  try {
    // Set on the temp file, before the rename, so the file never shows up with other rights. The open
    // mode passes through the umask (a group-writable note would lose its g+w), fchmod does not.
    if (opts.mode !== undefined) await fh.chmod(opts.mode);
    if (opts.owner) await keepOwner(fh, opts.owner);
    await fh.writeFile(data);
    await step("written");
    await fh.sync();
    await step("synced");
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await step("renamed");
  await fsyncDir(dir);
}

/**
 * chown to the replaced file's owner and group. Only root may give a file away: as another uid (65532
 * beside the agent) the owner stays dreamd's, and the group is kept when dreamd is in it (an fsGroup).
 */
async function keepOwner(fh: FileHandle, want: { uid: number; gid: number }): Promise<void> {
  const st = await fh.stat();
  if (st.uid === want.uid && st.gid === want.gid) return;
  try {
    await fh.chown(want.uid, want.gid);
  } catch {
    if (st.gid !== want.gid) await fh.chown(-1, want.gid).catch(() => {});
  }
}

/** Make a rename durable. Some filesystems refuse fsync on directories; that is not worth failing for. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r").catch(() => null);
  if (!fh) return;
  await fh.sync().catch(() => {});
  await fh.close();
}
