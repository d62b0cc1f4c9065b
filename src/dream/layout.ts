import { realpath } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { ConfigError } from "../errors.ts";
import type { DreamOptions } from "./options.ts";

/** The real path of `p`, resolving symlinks in the part of it that exists. */
async function realpathDeep(p: string): Promise<string> {
  const abs = resolve(p);
  const real = await realpath(abs).catch(() => null);
  if (real) return real;
  const parent = dirname(abs);
  return parent === abs ? abs : join(await realpathDeep(parent), basename(abs));
}

/** The memory is never written: refuse output dirs inside it, whatever symlinks lead there. */
export async function assertLayout(
  opts: Pick<DreamOptions, "memoryDir" | "proposalsDir" | "snapshotsDir">,
): Promise<void> {
  const memory = await realpathDeep(opts.memoryDir);
  const outputs: [string, string][] = [
    ["DREAMD_PROPOSALS_DIR (--out)", opts.proposalsDir],
    ["DREAMD_SNAPSHOTS_DIR", opts.snapshotsDir],
  ];
  for (const [name, dir] of outputs) {
    const real = await realpathDeep(dir);
    if (real === memory || real.startsWith(`${memory}${sep}`)) {
      throw new ConfigError(
        `invalid config: ${name} must not be inside DREAMD_MEMORY_DIR (the memory is never written)`,
      );
    }
  }
}
