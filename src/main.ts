#!/usr/bin/env node
import { runCli } from "./cli.ts";
import type { Config } from "./config.ts";
import { createLogger } from "./logger.ts";

// The only module that reads process.env and handles signals; everything else takes them as parameters.
const SHUTDOWN_GRACE_MS = 10_000;

async function serve(cfg: Config): Promise<number> {
  const log = createLogger(cfg.logLevel, (line) => process.stderr.write(line));
  // The server (hono, the API, the scheduler) loads only for `serve`: a one-shot dream never needs it.
  const { startServer } = await import("./server/serve.ts");
  const server = await startServer(cfg, log);
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log.info("shutting down", { signal });
      const timer = setTimeout(() => {
        log.error("shutdown took too long; exiting");
        resolve(1);
      }, SHUTDOWN_GRACE_MS);
      timer.unref();
      server.drain().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stderr.isTTY),
  serve,
});
process.exitCode = code;
