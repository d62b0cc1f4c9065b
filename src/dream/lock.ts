import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Config } from "../config.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import { stateDirOf } from "../state/state.ts";

/**
 * One dream at a time per proposals volume, across containers. PIDs mean nothing across containers, so
 * the lock names its holder and carries a heartbeat; a lock whose heartbeat is older than `staleMs` is
 * taken over. Creation is `link(2)` of a complete temp file: atomic, and never a half-written lock.
 */
export interface LockInfo {
  holder: string;
  dreamId: string;
  acquiredAt: string;
  heartbeatAt: string;
}

export interface DreamLock {
  /** Null when acquired; otherwise who holds it. */
  tryAcquire(dreamId: string): Promise<LockInfo | null>;
  release(): Promise<void>;
  current(): Promise<LockInfo | null>;
}

export interface LockOptions {
  dir: string;
  holder: string;
  staleMs: number;
  heartbeatMs: number;
  now?: () => number;
  /** Called when a heartbeat finds the lock taken by someone else: stop the dream. */
  onLost?: (by: LockInfo | null) => void;
}

async function readInfo(path: string): Promise<LockInfo | null> {
  try {
    const info = JSON.parse(await readFile(path, "utf8")) as LockInfo;
    return typeof info.holder === "string" && typeof info.heartbeatAt === "string" ? info : null;
  } catch {
    return null;
  }
}

const same = (a: LockInfo | null, b: LockInfo | null) =>
  a !== null && b !== null && a.holder === b.holder && a.heartbeatAt === b.heartbeatAt;

export function createLock(opts: LockOptions): DreamLock {
  const path = join(opts.dir, "lock.json");
  const now = opts.now ?? Date.now;
  let mine: LockInfo | null = null;
  let timer: NodeJS.Timeout | null = null;

  const place = async (info: LockInfo): Promise<boolean> => {
    const tmp = join(opts.dir, `.lock.${randomBytes(6).toString("hex")}.tmp`);
    await writeFile(tmp, JSON.stringify(info));
    try {
      await link(tmp, path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw err;
    } finally {
      await rm(tmp, { force: true });
    }
  };

  const beat = async () => {
    if (!mine) return;
    const cur = await readInfo(path);
    if (cur?.holder !== mine.holder) {
      stop();
      mine = null;
      opts.onLost?.(cur);
      return;
    }
    mine = { ...mine, heartbeatAt: new Date(now()).toISOString() };
    await writeFileAtomic(path, JSON.stringify(mine));
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };

  return {
    async tryAcquire(dreamId) {
      await mkdir(opts.dir, { recursive: true });
      const stamp = new Date(now()).toISOString();
      const info: LockInfo = { holder: opts.holder, dreamId, acquiredAt: stamp, heartbeatAt: stamp };
      for (let attempt = 0; attempt < 2; attempt++) {
        if (await place(info)) {
          mine = info;
          timer = setInterval(() => void beat().catch(() => {}), opts.heartbeatMs);
          timer.unref();
          return null;
        }
        const cur = await readInfo(path);
        const age = cur ? now() - Date.parse(cur.heartbeatAt) : Number.POSITIVE_INFINITY;
        if (cur && age <= opts.staleMs) return cur;
        // Stale (or unreadable): move it aside, then make sure what we moved is what we judged stale;
        // a racing dreamd may have replaced it in between, and then it goes back.
        const aside = `${path}.stale-${randomBytes(4).toString("hex")}`;
        try {
          await rename(path, aside);
        } catch {
          continue;
        }
        const moved = await readInfo(aside);
        if (cur && !same(moved, cur)) {
          await link(aside, path).catch(() => {});
          await rm(aside, { force: true });
          return moved;
        }
        await rm(aside, { force: true });
      }
      return (await readInfo(path)) ?? { holder: "unknown", dreamId: "", acquiredAt: "", heartbeatAt: "" };
    },
    async release() {
      stop();
      if (!mine) return;
      const cur = await readInfo(path);
      if (cur?.holder === mine.holder) await rm(path, { force: true });
      mine = null;
    },
    current: () => readInfo(path),
  };
}

/** This process's name in the lock: configured, or hostname (the pod/container name) + pid + random. */
export function holderIdOf(cfg: Pick<Config, "holderId">): string {
  return cfg.holderId || `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

export function lockOptionsOf(
  cfg: Pick<Config, "proposalsDir" | "lockStaleSeconds">,
  holder: string,
): LockOptions {
  const staleMs = cfg.lockStaleSeconds * 1000;
  return { dir: stateDirOf(cfg.proposalsDir), holder, staleMs, heartbeatMs: Math.max(250, staleMs / 4) };
}
