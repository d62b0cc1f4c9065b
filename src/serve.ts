import { access, constants, mkdir, stat } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { serve as serveHttp } from "@hono/node-server";
import { ensureApiToken } from "./api-token.ts";
import { createApp, type Readiness } from "./app.ts";
import type { Config } from "./config.ts";
import { dreamDirsAndLimits } from "./dream.ts";
import { createDreamRunner } from "./dream-runner.ts";
import { createEngine } from "./engine.ts";
import { createGateChecker } from "./gates.ts";
import type { Logger } from "./logger.ts";
import { createProposals } from "./proposals.ts";
import { readState } from "./state.ts";
import { createFormatRegistry } from "./transcripts/registry.ts";

export interface Server {
  url: string;
  close(): Promise<void>;
  /** Readiness turns 503 at once; the running dream is cancelled; the listener closes. */
  drain(): Promise<void>;
}

async function canRead(dir: string): Promise<string | null> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) return `${dir} is not a directory`;
  return await access(dir, constants.R_OK | constants.X_OK).then(
    () => null,
    () => `${dir} is not readable`,
  );
}

export async function startServer(
  cfg: Config,
  log: Logger,
  now: () => Date = () => new Date(),
): Promise<Server> {
  await mkdir(cfg.proposalsDir, { recursive: true });
  const token = await ensureApiToken(cfg.apiToken, cfg.proposalsDir);
  if (token.path) log.info("API token generated for mutating routes", { tokenFile: token.path });
  const registry = createFormatRegistry();
  const engine = createEngine(cfg);
  const runner = createDreamRunner({
    engine,
    registry,
    now,
    log,
    options: {
      ...dreamDirsAndLimits(cfg),
      warn: (msg) => log.warn(msg),
    },
  });
  const gates = createGateChecker(cfg, registry);
  let draining = false;
  const readiness = async (): Promise<Readiness> => {
    if (draining) return { ready: false, reasons: ["shutting down"] };
    const reasons = (
      await Promise.all([
        canRead(cfg.memoryDir),
        cfg.sessionsDir ? canRead(cfg.sessionsDir) : null,
        access(cfg.proposalsDir, constants.W_OK).then(
          () => null,
          () => `${cfg.proposalsDir} is not writable`,
        ),
      ])
    ).filter((r): r is string => r !== null);
    return { ready: reasons.length === 0, reasons };
  };
  const app = createApp({
    runner,
    proposals: createProposals(cfg.proposalsDir),
    token: token.token,
    readiness,
    state: () => readState(cfg.proposalsDir, (msg) => log.warn(msg)),
    gates: (state) => gates.check(state, now()),
  });
  const server = await new Promise<ReturnType<typeof serveHttp>>((resolve, reject) => {
    const s = serveHttp({ fetch: app.fetch, port: cfg.apiPort, hostname: cfg.apiHost }, () => resolve(s));
    s.once("error", reject);
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log.info("dreamd listening", {
    url,
    engine: engine.name,
    memoryDir: cfg.memoryDir,
    proposalsDir: cfg.proposalsDir,
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  return {
    url,
    close,
    async drain() {
      draining = true;
      await runner.shutdown();
      await close();
    },
  };
}
