import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tarFs from "tar-fs";
import tarStream from "tar-stream";
import { errorMessage, SnapshotError } from "../errors.ts";
import { readSnapshotManifest, sha256File } from "./create.ts";

/** Why a tar entry must not be written anywhere, or null when it is a plain file or directory inside. */
export function unsafeEntry(name: string, type: string | null | undefined): string | null {
  if (type !== "file" && type !== "directory") return `${type ?? "unknown"} entries are refused`;
  if (isAbsolute(name) || /^[A-Za-z]:/.test(name)) return "absolute path";
  if (name.split(/[\\/]/).includes("..")) return "'..' in path";
  if (name.includes("\0")) return "NUL in path";
  return null;
}

export interface VerifyResult {
  ok: boolean;
  files: number;
  errors: string[];
}

/** Check an archive against the manifest beside it: archive hash, every file's hash, nothing extra or missing. */
export async function verifySnapshot(archive: string): Promise<VerifyResult> {
  const manifest = await readSnapshotManifest(archive);
  if (!manifest) throw new SnapshotError(`no manifest beside ${archive} (expected ${archive}.json)`);
  const errors: string[] = [];
  const whole = await sha256File(archive).catch((err) => {
    throw new SnapshotError(`cannot read ${archive}: ${errorMessage(err)}`, { cause: err });
  });
  if (whole.sha256 !== manifest.sha256)
    errors.push(`archive sha256 ${whole.sha256} ≠ manifest ${manifest.sha256}`);
  const expected = new Map(manifest.files.map((f) => [f.path, f.sha256]));
  const seen = new Set<string>();
  const extract = tarStream.extract();
  extract.on("entry", (header, stream, next) => {
    const h = createHash("sha256");
    stream.on("data", (c: unknown) => h.update(c as Buffer));
    stream.on("end", () => {
      const bad = unsafeEntry(header.name, header.type);
      if (bad) errors.push(`${header.name}: ${bad}`);
      else if (header.type === "file") {
        seen.add(header.name);
        const want = expected.get(header.name);
        const got = h.digest("hex");
        if (!want) errors.push(`${header.name}: not in manifest`);
        else if (want !== got) errors.push(`${header.name}: sha256 mismatch (content changed)`);
      }
      next();
    });
    stream.on("error", next);
  });
  try {
    await pipeline(createReadStream(archive), createGunzip(), extract);
  } catch (err) {
    errors.push(`archive unreadable: ${errorMessage(err)}`);
  }
  for (const path of expected.keys()) if (!seen.has(path)) errors.push(`${path}: missing from archive`);
  return { ok: errors.length === 0, files: seen.size, errors };
}

/**
 * Extract a snapshot into a fresh temporary directory (never the live memory dir). Only regular files
 * and directories with relative, `..`-free names are accepted; any other entry aborts the restore and
 * the temporary directory is removed, so a crafted archive writes nothing anywhere.
 */
export async function restoreSnapshot(archive: string, opts: { parent?: string } = {}): Promise<string> {
  const dir = await mkdtemp(join(opts.parent ?? tmpdir(), "dreamd-restore-"));
  const refused: string[] = [];
  try {
    await pipeline(
      createReadStream(archive),
      createGunzip(),
      tarFs.extract(dir, {
        // Never chown to ids from an archive, even as root (@types/tar-fs lags tar-fs 3 here).
        ...({ chown: false } as object),
        strict: true,
        ignore: (_abs, header) => {
          const bad = unsafeEntry(header?.name ?? "", header?.type);
          if (bad) refused.push(`${header?.name}: ${bad}`);
          // Once anything is refused, write nothing more: the whole restore is void.
          return bad !== null || refused.length > 0;
        },
      }),
    );
    if (refused.length) throw new SnapshotError(`restore refused ${archive}: ${refused.join("; ")}`);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if (err instanceof SnapshotError) throw err;
    throw new SnapshotError(`restore of ${archive} failed: ${errorMessage(err)}`, { cause: err });
  }
  return dir;
}
