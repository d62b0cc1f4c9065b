import { stat } from "node:fs/promises";
import { parseArgs, usage } from "./cli-args.ts";
import { type Config, loadConfig } from "./config.ts";
import { dreamDirsAndLimits, runDream } from "./dream.ts";
import { createEngine } from "./engine.ts";
import { ConfigError, errorMessage } from "./errors.ts";
import { verifySnapshot } from "./snapshot-restore.ts";
import { summarize } from "./summary.ts";
import { createFormatRegistry } from "./transcripts/registry.ts";

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

async function dreamCommand(cfg: Config, nowFlag: string | undefined, io: CliIo): Promise<number> {
  const now = nowFlag ? new Date(nowFlag) : new Date();
  if (Number.isNaN(now.getTime()))
    throw new ConfigError(`invalid --now: ${nowFlag} is not an ISO 8601 date-time`);
  if (!(await isDir(cfg.memoryDir))) throw new ConfigError(`memory dir ${cfg.memoryDir} is not a directory`);
  const engine = createEngine(cfg);
  const t0 = Date.now();
  const result = await runDream(
    {
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
    { engine, registry: createFormatRegistry() },
  );
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
        return await dreamCommand(cfg, now, io);
      case "verify":
        return await verifyCommand(args.positionals[0], io);
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
