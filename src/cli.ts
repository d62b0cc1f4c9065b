import { mkdir, stat } from "node:fs/promises";
import { afterDreamSteps } from "./apply/after-dream.ts";
import { applyCommand, revertCommand, reviewCommand } from "./apply/commands.ts";
import { recoverApply } from "./apply/journal.ts";
import { rollback } from "./apply/rollback.ts";
import { parseArgs, usage } from "./cli-args.ts";
import { type Config, loadConfig, snapshotsDirOf } from "./config.ts";
import { createDreamDeps } from "./dream/deps.ts";
import { assertLayout } from "./dream/layout.ts";
import { createLock, type DreamLock, holderIdOf, lockOptionsOf } from "./dream/lock.ts";
import { dreamDirsAndLimits } from "./dream/options.ts";
import { runDream } from "./dream/run.ts";
import { CancelledError, ConfigError, DreamError, errorMessage } from "./errors.ts";
import { newDreamId } from "./proposal/dream-id.ts";
import { summarize } from "./proposal/summary.ts";
import { createGateChecker } from "./schedule/gates.ts";
import { newestMtime } from "./schedule/scheduler.ts";
import { verifySnapshot } from "./snapshot/restore.ts";
import { readState, stateDirOf } from "./state/state.ts";
import type { FormatRegistry } from "./transcripts/registry.ts";

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Progress lines are for people: only when stderr is a terminal. */
  isTTY: boolean;
  /** Runs the sidecar until a signal; provided by main.ts, the only module that handles signals. */
  serve?: (cfg: Config) => Promise<number>;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** --once: report and skip when the gates are not met; wait out the quiet period when they are. */
async function dueForOnce(cfg: Config, now: Date, io: CliIo, registry: FormatRegistry): Promise<boolean> {
  const state = await readState(cfg.proposalsDir, (msg) => io.stderr(`warning: ${msg}\n`));
  const gates = await createGateChecker(cfg, registry).check(state, now);
  if (!gates.due) {
    io.stdout(
      `not due: ${gates.hoursSinceLast?.toFixed(1) ?? "∞"} h since the last dream (gate ${cfg.minHours}), ` +
        `${gates.sessionsSinceLast} new sessions (gate ${cfg.minSessions}), mode ${cfg.triggerMode}\n`,
    );
    return false;
  }
  for (;;) {
    const written = await newestMtime(cfg.memoryDir);
    const left = written === null ? 0 : written + cfg.quietSeconds * 1000 - Date.now();
    if (left <= 0) return true;
    io.stderr(`memory changed recently; waiting ${Math.ceil(left / 1000)} s for the quiet period\n`);
    await sleep(Math.min(left, 5_000));
  }
}

/** Take the dream lock, waiting while another dreamd holds it (a dead holder's lock goes stale). */
async function acquire(lock: DreamLock, dreamId: string, io: CliIo): Promise<void> {
  let told = false;
  for (;;) {
    const held = await lock.tryAcquire(dreamId);
    if (!held) return;
    if (!told) io.stderr(`waiting for the dream lock held by ${held.holder} (dream ${held.dreamId})\n`);
    told = true;
    await sleep(1_000);
  }
}

/** Run `fn` holding the dream lock: apply, revert and rollback write memory, never beside a dream. */
async function withLock<T>(cfg: Config, id: string, io: CliIo, fn: () => Promise<T>): Promise<T> {
  const lock = createLock(lockOptionsOf(cfg, holderIdOf(cfg)));
  await acquire(lock, id, io);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** 1 when any operation was a conflict: a script sees that not everything it asked for happened. */
const conflictExit = (r: { results: { status: string }[] }) =>
  r.results.some((x) => x.status === "conflict") ? 1 : 0;

async function dreamCommand(
  cfg: Config,
  nowFlag: string | undefined,
  once: boolean,
  io: CliIo,
): Promise<number> {
  const now = nowFlag ? new Date(nowFlag) : new Date();
  if (Number.isNaN(now.getTime()))
    throw new ConfigError(`invalid --now: ${nowFlag} is not an ISO 8601 date-time`);
  if (!(await isDir(cfg.memoryDir))) throw new ConfigError(`memory dir ${cfg.memoryDir} is not a directory`);
  await assertLayout(dreamDirsAndLimits(cfg));
  await mkdir(cfg.proposalsDir, { recursive: true }).catch((err: unknown) => {
    throw new ConfigError(`cannot create proposals dir ${cfg.proposalsDir}: ${errorMessage(err)}`);
  });
  const deps = await createDreamDeps(cfg);
  if (once && !(await dueForOnce(cfg, now, io, deps.registry))) return 0;
  const abort = new AbortController();
  const lock = createLock({
    ...lockOptionsOf(cfg, holderIdOf(cfg)),
    onLost: (by) => abort.abort(new CancelledError(`lock taken over by ${by?.holder ?? "another dreamd"}`)),
  });
  const dreamId = newDreamId(now);
  await acquire(lock, dreamId, io);
  // Never dream over an apply killed part way: finish it (or finish undoing it) first.
  const recovered = await recoverApply({
    memoryDir: cfg.memoryDir,
    stateDir: stateDirOf(cfg.proposalsDir),
  }).catch(async (err: unknown) => {
    await lock.release();
    throw new DreamError(`an interrupted apply could not be finished: ${errorMessage(err)}`);
  });
  if (recovered.recovered) io.stderr(`finished interrupted apply ${recovered.recovered} first\n`);
  const t0 = Date.now();
  const result = await runDream(
    {
      dreamId,
      signal: abort.signal,
      ...dreamDirsAndLimits(cfg),
      now,
      warn: (msg) => io.stderr(`warning: ${msg}\n`),
      onEvent: (e) => {
        if (!io.isTTY) return;
        const detail = e.detail
          ? ` ${Object.entries(e.detail)
              .map(([k, v]) => `${k}=${v}`)
              .join(" ")}`
          : "";
        io.stderr(
          `${e.phase.padEnd(11)} ${e.status === "start" ? "…" : "done"}${detail} (${Date.now() - t0} ms)\n`,
        );
      },
    },
    deps,
  ).catch(async (err: unknown) => {
    await lock.release();
    throw err;
  });
  // As in the sidecar, still under the lock: the automatic apply DREAMD_AUTONOMY allows, then retention.
  const after = afterDreamSteps(cfg, () => new Date(), {
    info: (msg, f) => io.stderr(`${msg}${f ? ` ${JSON.stringify(f)}` : ""}\n`),
    warn: (msg, f) => io.stderr(`warning: ${msg}${f ? ` ${JSON.stringify(f)}` : ""}\n`),
  });
  try {
    await after.apply(result.manifest.dreamId).catch((err: unknown) => {
      io.stderr(`warning: automatic apply failed; the proposal waits for review: ${errorMessage(err)}\n`);
    });
    await after.retain().catch((err: unknown) => {
      io.stderr(`warning: retention failed; nothing more was removed: ${errorMessage(err)}\n`);
    });
  } finally {
    await lock.release();
  }
  io.stdout(`${summarize(result.manifest, result.dir)}\n`);
  return 0;
}

async function verifyCommand(archive: string | undefined, io: CliIo): Promise<number> {
  if (!archive) throw new ConfigError("usage: dreamd verify SNAPSHOT.tar.gz");
  if (!(await stat(archive).catch(() => null))?.isFile())
    throw new ConfigError(`snapshot ${archive} not found`);
  const r = await verifySnapshot(archive);
  if (r.ok) {
    io.stdout(`ok: ${archive} matches its manifest (${r.files} files)\n`);
    return 0;
  }
  io.stderr(`snapshot ${archive} FAILED verification:\n${r.errors.map((e) => `  ${e}`).join("\n")}\n`);
  return 1;
}

/** For the image's HEALTHCHECK: no curl in the image, so dreamd asks its own /readyz. */
async function healthcheckCommand(cfg: Config, io: CliIo): Promise<number> {
  const host = cfg.apiHost === "0.0.0.0" || cfg.apiHost === "::" ? "127.0.0.1" : cfg.apiHost;
  try {
    const res = await fetch(`http://${host.includes(":") ? `[${host}]` : host}:${cfg.apiPort}/readyz`, {
      signal: AbortSignal.timeout(3_000),
    });
    if (res.ok) return 0;
    io.stderr(`not ready: ${await res.text()}\n`);
  } catch (err) {
    io.stderr(`not reachable: ${errorMessage(err)}\n`);
  }
  return 1;
}

/** Run a command; returns the exit code (0 ok, 1 failure, 2 bad input or config). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.help || args.command === "help") {
      io.stdout(usage());
      return 0;
    }
    const { now, ...configFlags } = args.flags;
    const cfg = loadConfig({ env: io.env, flags: configFlags });
    switch (args.command) {
      case "dream":
        return await dreamCommand(cfg, now, args.once, io);
      case "review": {
        const dreamId = args.positionals[0];
        if (!dreamId) throw new ConfigError("usage: dreamd review ID --accept … --reject …");
        io.stdout(
          await reviewCommand({ proposalsDir: cfg.proposalsDir, dreamId, ...args.review, now: new Date() }),
        );
        return 0;
      }
      case "apply": {
        const dreamId = args.positionals[0];
        if (!dreamId)
          throw new ConfigError("usage: dreamd apply ID [--all | --accept …] --memory DIR --out DIR");
        return await withLock(cfg, dreamId, io, async () => {
          const { record, text } = await applyCommand({
            proposalsDir: cfg.proposalsDir,
            snapshotsDir: snapshotsDirOf(cfg),
            memoryDir: cfg.memoryDir,
            dreamId,
            ...(args.all ? { accept: "all" } : args.review.accept ? { accept: args.review.accept } : {}),
            ...(args.review.by ? { by: args.review.by } : {}),
            now: new Date(),
            graceMs: cfg.applyGraceSeconds * 1000,
          });
          io.stdout(text);
          return conflictExit(record);
        });
      }
      case "revert": {
        const [applyId, ...ops] = args.positionals;
        if (!applyId)
          throw new ConfigError("usage: dreamd revert APPLY_ID [op-001 …] --memory DIR --out DIR");
        return await withLock(cfg, applyId, io, async () => {
          const { record, text } = await revertCommand({
            proposalsDir: cfg.proposalsDir,
            memoryDir: cfg.memoryDir,
            applyId,
            only: ops,
            ...(args.review.by ? { by: args.review.by } : {}),
            now: new Date(),
            graceMs: cfg.applyGraceSeconds * 1000,
          });
          io.stdout(text);
          return conflictExit(record);
        });
      }
      case "rollback": {
        const archive = args.positionals[0];
        if (!archive)
          throw new ConfigError(
            "usage: dreamd rollback SNAPSHOT --memory DIR --out DIR [--dry-run] [--force]",
          );
        return await withLock(cfg, "rollback", io, async () => {
          const now = new Date();
          const { preview, record, undo } = await rollback({
            archive,
            memoryDir: cfg.memoryDir,
            stateDir: stateDirOf(cfg.proposalsDir),
            rollbackId: `rollback-${newDreamId(now)}`,
            by: args.review.by ?? "cli",
            now,
            dryRun: args.dryRun,
            force: args.force,
            snapshotsDir: snapshotsDirOf(cfg),
          });
          const list = (name: string, ps: string[]) => (ps.length ? [`  ${name}: ${ps.join(", ")}`] : []);
          io.stdout(
            [
              `rollback to ${archive}${args.dryRun ? " (dry run: nothing changed)" : record ? "" : ": memory already matches"}`,
              ...list("would remove (added since)", preview.added),
              ...list("would restore (removed since)", preview.removed),
              ...list("would restore (changed since)", preview.changed),
              ...list("agent writes it discards", preview.agentWrites),
              ...(record
                ? [
                    `  done: ${record.changed.length} files restored; undo: dreamd rollback ${undo ?? "(no snapshot)"}`,
                  ]
                : []),
              "",
            ].join("\n"),
          );
          return 0;
        });
      }
      case "verify":
        return await verifyCommand(args.positionals[0], io);
      case "healthcheck":
        return await healthcheckCommand(cfg, io);
      case "serve":
        if (!io.serve) throw new ConfigError("serve is not available here");
        return await io.serve(cfg);
      case "":
        io.stderr(usage());
        return 2;
      default:
        throw new ConfigError(`unknown command ${args.command} (see dreamd --help)`);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`dreamd: ${err.message}\n`);
      return 2;
    }
    io.stderr(`dreamd: ${errorMessage(err)}\n`);
    return 1;
  }
}
