import { type FSWatcher, watch } from "node:fs";
import { access, constants, mkdir, stat } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { serve as serveHttp } from "@hono/node-server";
import { afterDreamSteps } from "../apply/after-dream.ts";
import { recoverApply } from "../apply/journal.ts";
import { createReviewPort } from "../apply/port.ts";
import { createKeptMeter } from "../apply/retention.ts";
import { type Config, snapshotsDirOf } from "../config.ts";
import { createAgentFreezer } from "../docker/agent-freezer.ts";
import { createDockerSessions } from "../docker/sessions.ts";
import { createDreamDeps } from "../dream/deps.ts";
import { assertLayout } from "../dream/layout.ts";
import { createLock, holderIdOf, lockOptionsOf } from "../dream/lock.ts";
import { dreamDirsAndLimits } from "../dream/options.ts";
import { createDreamRunner } from "../dream/runner.ts";
import { createThreadExecutor } from "../dream/thread.ts";
import { errorMessage } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { createProposals } from "../proposal/proposals.ts";
import { redactingLogger } from "../redact.ts";
import { createGateChecker } from "../schedule/gates.ts";
import { createScheduler, newestMtime } from "../schedule/scheduler.ts";
import { readState, stateDirOf } from "../state/state.ts";
import { ensureApiToken } from "./api-token.ts";
import { createApp, type Readiness } from "./app.ts";
import { createTranscriptView } from "./ui/transcript-view.ts";

export interface Server {
  url: string;
  close(): Promise<void>;
  /** Readiness turns 503 at once; the running dream is cancelled; the listener closes. */
  drain(): Promise<void>;
}

/** fs.watch on each dir; a dir that cannot be watched (no inotify slots, missing) falls back to the interval. */
function watchDirs(dirs: string[], onChange: () => void, log: Logger): () => void {
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      const w = watch(dir, { recursive: true, persistent: false }, onChange);
      w.on("error", (err) =>
        log.warn("file watch stopped; relying on the check interval", { dir, error: errorMessage(err) }),
      );
      watchers.push(w);
    } catch (err) {
      log.warn("cannot watch dir; relying on the check interval", { dir, error: errorMessage(err) });
    }
  }
  return () => {
    for (const w of watchers) w.close();
  };
}

/** `what` names the dir by its setting: /readyz answers any caller, so it shows no server path. */
async function canRead(dir: string, what: string): Promise<string | null> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) return `${what} is not a directory`;
  return await access(dir, constants.R_OK | constants.X_OK).then(
    () => null,
    () => `${what} is not readable`,
  );
}

export async function startServer(
  cfg: Config,
  rawLog: Logger,
  now: () => Date = () => new Date(),
): Promise<Server> {
  await assertLayout(dreamDirsAndLimits(cfg));
  await mkdir(cfg.proposalsDir, { recursive: true });
  const token = await ensureApiToken(cfg.apiToken, cfg.proposalsDir);
  // Whatever logs here (an SDK error, a failed dream) never writes the token or the Anthropic key.
  const secrets = [token.token, cfg.anthropicApiKey];
  const log = redactingLogger(rawLog, secrets);
  if (token.path) log.info("API token generated", { tokenFile: token.path });
  const { engine, registry } = await createDreamDeps(cfg, log);
  // dockerode costs ~30 MB and ~180 ms to load: only when Docker is asked for.
  const docker = cfg.dockerAgentLabel
    ? new (await import("dockerode")).default({ socketPath: cfg.dockerSocket })
    : null;
  const dockerSessions = docker ? createDockerSessions({ docker, label: cfg.dockerAgentLabel, log }) : null;
  const freezer =
    docker && cfg.dockerPauseAgent === "on" ? createAgentFreezer(docker, cfg.dockerAgentLabel, log) : null;
  await freezer
    ?.recover()
    .catch((err: unknown) => log.warn("cannot check for paused agents", { error: errorMessage(err) }));
  // An apply killed part way is finished (or its undoing finished) before anything else reads memory.
  await recoverApply({ memoryDir: cfg.memoryDir, stateDir: stateDirOf(cfg.proposalsDir) })
    .then((r) => {
      if (r.recovered)
        log.info("interrupted apply finished", {
          apply: r.recovered,
          files: r.finished.length,
          leftAlone: r.leftAlone,
        });
    })
    .catch((err: unknown) => log.warn("cannot finish an interrupted apply", { error: errorMessage(err) }));
  const holder = holderIdOf(cfg);
  const after = afterDreamSteps(cfg, now, log, freezer?.around);
  const runner = createDreamRunner({
    engine,
    registry,
    // Dreams compute in a worker thread: the API and the probes keep answering during a long one.
    execute: createThreadExecutor(cfg, log),
    now,
    log,
    options: {
      ...dreamDirsAndLimits(cfg),
      secrets,
      warn: (msg) => log.warn(msg),
      ...(freezer ? { freeze: freezer.around } : {}),
    },
    lock: (onLost) => createLock({ ...lockOptionsOf(cfg, holder), onLost }),
    afterDream: after.apply,
    retain: after.retain,
  });
  const gates = createGateChecker(
    cfg,
    registry,
    dockerSessions ? (since) => dockerSessions.countSince(since) : undefined,
  );
  const readStateLogged = () => readState(cfg.proposalsDir, (msg) => log.warn(msg));
  const scheduler = createScheduler({
    runner,
    gates,
    readState: readStateLogged,
    lastWrite: () => newestMtime(cfg.memoryDir),
    now,
    log,
    cfg,
    watch: (onChange) => watchDirs([cfg.memoryDir, cfg.sessionsDir].filter(Boolean), onChange, log),
  });
  let draining = false;
  const readiness = async (): Promise<Readiness> => {
    if (draining) return { ready: false, reasons: ["shutting down"] };
    const reasons = (
      await Promise.all([
        canRead(cfg.memoryDir, "memory dir (DREAMD_MEMORY_DIR)"),
        cfg.sessionsDir ? canRead(cfg.sessionsDir, "sessions dir (DREAMD_SESSIONS_DIR)") : null,
        access(cfg.proposalsDir, constants.W_OK).then(
          () => null,
          () => "proposals dir (DREAMD_PROPOSALS_DIR) is not writable",
        ),
      ])
    ).filter((r): r is string => r !== null);
    return { ready: reasons.length === 0, reasons };
  };
  // prom-client is loaded before the server listens: loading it takes the thread for 50–100 ms, which after
  // listening landed in the first dream and stalled the liveness probe. No dream runs before then.
  const metrics = await import("./metrics.ts")
    .then(({ createMetrics }) =>
      createMetrics({
        sessionsPending: async () =>
          (await gates.check(await readStateLogged(), now())).sessionsSinceLast ?? 0,
        lastSuccess: async () => {
          const at = (await readStateLogged()).lastSuccess?.at;
          return at ? Date.parse(at) / 1000 : null;
        },
        keptBytes: createKeptMeter(cfg.proposalsDir, snapshotsDirOf(cfg)),
      }),
    )
    .catch((err: unknown) => {
      log.error("metrics failed to load", { error: errorMessage(err) });
      return null;
    });
  if (metrics) runner.subscribe((e) => metrics.observe(e));
  const app = createApp({
    metrics: async () => {
      if (!metrics) throw new Error("metrics failed to load");
      return metrics.registry;
    },
    runner,
    proposals: createProposals(cfg.proposalsDir),
    token: token.token,
    readiness,
    state: readStateLogged,
    gates: (state) => gates.check(state, now()),
    scheduler: () => ({ enabled: cfg.schedule === "on", last: scheduler.last() }),
    lock: () => createLock(lockOptionsOf(cfg, holder)).current(),
    autonomy: cfg.autonomy,
    triggers: { minHours: cfg.minHours, minSessions: cfg.minSessions, mode: cfg.triggerMode },
    transcript: createTranscriptView(cfg.sessionsDir, registry, cfg.maxTranscriptBytes),
    review: createReviewPort({
      proposalsDir: cfg.proposalsDir,
      snapshotsDir: snapshotsDirOf(cfg),
      memoryDir: cfg.memoryDir,
      lock: () => createLock(lockOptionsOf(cfg, holder)),
      now,
      graceMs: cfg.applyGraceSeconds * 1000,
      ...(freezer ? { freeze: freezer.around } : {}),
    }),
    log,
    clock: () => now().getTime(),
    apiHost: cfg.apiHost,
    allowedHosts: cfg.allowedHosts,
    maxBodyBytes: cfg.maxBodyBytes,
    maxEventStreams: cfg.maxEventStreams,
    secrets,
  });
  const server = await new Promise<ReturnType<typeof serveHttp>>((resolve, reject) => {
    const s = serveHttp({ fetch: app.fetch, port: cfg.apiPort, hostname: cfg.apiHost }, () => resolve(s));
    s.once("error", reject);
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`;
  if (dockerSessions) {
    const last = (await readStateLogged()).lastSuccess?.at;
    dockerSessions.start(last ? new Date(last) : null);
    log.info("counting agent sessions from docker events", {
      label: cfg.dockerAgentLabel,
      socket: cfg.dockerSocket,
    });
  }
  if (cfg.schedule === "on") scheduler.start();
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
      scheduler.stop();
      dockerSessions?.stop();
      await runner.shutdown();
      await close();
    },
  };
}
