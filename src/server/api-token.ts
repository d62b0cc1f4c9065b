import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import { stateDirOf } from "../state/state.ts";

export interface ApiToken {
  token: string;
  /** Where a generated token was written (null when it came from config). */
  path: string | null;
}

/**
 * Secure by default: with no configured token, reuse or generate one in a 0600 file on the proposals
 * volume, so the mutating routes are never open.
 */
export async function ensureApiToken(configured: string, proposalsDir: string): Promise<ApiToken> {
  if (configured) return { token: configured, path: null };
  const path = join(stateDirOf(proposalsDir), "api-token");
  const existing = (await readFile(path, "utf8").catch(() => "")).trim();
  if (existing) return { token: existing, path };
  const token = randomBytes(32).toString("base64url");
  await writeFileAtomic(path, `${token}\n`, { mode: 0o600 });
  return { token, path };
}
