import { execFile } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";
import { GenericContainer, getContainerRuntimeClient, Wait } from "testcontainers";

const run = promisify(execFile);
export const ROOT = new URL("..", import.meta.url).pathname;
export const IMAGE = "dreamd:test";
export const LOCAL_BASE = process.env.DREAMD_TEST_BASE_IMAGE ?? "dreamd-local/node:24";

/**
 * Why container tests cannot run here, or null when they can. Under DREAMD_REQUIRE_DOCKER=1 (CI) a
 * missing engine is a failure, not a skip.
 */
export async function dockerUnavailable(): Promise<string | null> {
  try {
    await new Docker().ping();
    return null;
  } catch (err) {
    const why = `no Docker engine reachable (${(err as Error).message})`;
    if (process.env.DREAMD_REQUIRE_DOCKER === "1") throw new Error(`DREAMD_REQUIRE_DOCKER=1 but ${why}`);
    console.log(`skipping container tests: ${why}`);
    return why;
  }
}

/**
 * No registry is reachable here: build the local Node base, then the dreamd image on it. Test files run
 * in parallel workers; a directory lock makes them build one at a time (the second is a cache hit).
 */
export async function buildImage(): Promise<void> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
  const lock = join(tmpdir(), "dreamd-image-build.lock");
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (i > 1200) await rm(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    await build();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function build(): Promise<void> {
  await run("bash", [`${ROOT}scripts/local-base-image.sh`, LOCAL_BASE], { cwd: ROOT });
  await run(
    "docker",
    [
      "build",
      "-q",
      "-f",
      "images/Dockerfile",
      "--build-arg",
      `BUILD_IMAGE=${LOCAL_BASE}`,
      "--build-arg",
      `BASE_IMAGE=${LOCAL_BASE}`,
      "-t",
      IMAGE,
      ".",
    ],
    { cwd: ROOT, maxBuffer: 1 << 24 },
  );
}

/** testcontainers has no switch for it, so: the container's root filesystem is read-only. */
export class ReadOnlyContainer extends GenericContainer {
  constructor(image: string) {
    super(image);
    this.hostConfig.ReadonlyRootfs = true;
  }

  /** Supplementary groups (what a Kubernetes fsGroup gives a pod). */
  withGroups(...groups: string[]): this {
    this.hostConfig.GroupAdd = groups;
    return this;
  }
}

/**
 * The dreamd image as a test runs it: uid 65532 on a read-only root, memory (read-write, for apply) and
 * sessions (read-only) and proposals mounted, the gates off, the token and Host given, ready on /readyz.
 */
export function dreamdContainer(
  dirs: { memory: string; sessions: string; proposals: string },
  opts: { token: string; callerHost: string; env?: Record<string, string>; groups?: string[] },
) {
  return new ReadOnlyContainer(IMAGE)
    .withGroups(...(opts.groups ?? []))
    .withUser("65532:65532")
    .withTmpFs({ "/tmp": "rw,size=64m" })
    .withBindMounts([
      { source: dirs.memory, target: "/memory", mode: "rw" },
      { source: dirs.sessions, target: "/sessions", mode: "ro" },
      { source: dirs.proposals, target: "/proposals", mode: "rw" },
    ])
    .withEnvironment({
      DREAMD_API_TOKEN: opts.token,
      DREAMD_SCHEDULE: "off",
      DREAMD_QUIET_SECONDS: "0",
      DREAMD_ALLOWED_HOSTS: opts.callerHost,
      ...opts.env,
    })
    .withExposedPorts(8787)
    .withWaitStrategy(Wait.forHttp("/readyz", 8787).forStatusCode(200))
    .withStartupTimeout(60_000);
}

export const docker = () => new Docker();

export const sh = run;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The host name a test calls a container by: localhost, or the bridge gateway inside a container. */
export async function callerHostOf(): Promise<string> {
  return (await getContainerRuntimeClient()).info.containerRuntime.host;
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined>,
  ms = 60_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Status {
  state: string;
  current: { dreamId: string; phase: string | null } | null;
  lastSuccess: { dreamId: string } | null;
  lastAttempt: { dreamId: string; status: string; error?: string } | null;
  consecutiveFailures: number;
}

/** The server's status once dream `dreamId` has ended and nothing else runs. */
export function dreamEnded(base: string, dreamId: string, what = "the dream"): Promise<Status> {
  return waitFor(what, async () => {
    const s = (await (await fetch(`${base}/status`)).json()) as Status;
    return s.state === "idle" && s.lastAttempt?.dreamId === dreamId ? s : null;
  });
}
