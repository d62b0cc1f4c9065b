import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, dockerUnavailable, freePort, IMAGE, LOCAL_BASE, ROOT, sh } from "./docker-support.ts";

const skip = await dockerUnavailable();
const project = `dreamd-e2e-${process.pid}`;

interface DreamSummary {
  id: string;
}

describe.skipIf(skip)("compose.yaml: demo agent + dreamd", () => {
  let base = "";
  let env: NodeJS.ProcessEnv = {};
  const compose = (...args: string[]) =>
    sh("docker-compose", ["-p", project, "-f", "compose.yaml", ...args], {
      cwd: ROOT,
      env,
      maxBuffer: 1 << 24,
    });

  beforeAll(async () => {
    await buildImage();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      DREAMD_IMAGE: IMAGE,
      NODE_IMAGE: LOCAL_BASE,
      DREAMD_HOST_PORT: String(port),
      AGENT_SESSIONS: "7",
      AGENT_INTERVAL_SECONDS: "1",
      // Only the session gate may start the dream we wait for; the time gate fires once at first boot.
      DREAMD_MIN_HOURS: "1000",
      DREAMD_MIN_SESSIONS: "5",
      DREAMD_QUIET_SECONDS: "2",
      DREAMD_CHECK_INTERVAL_SECONDS: "1",
    };
    await compose("up", "-d", "--no-build");
  }, 600_000);

  afterAll(async () => {
    if (process.env.DREAMD_KEEP_COMPOSE) return;
    await compose("down", "-v", "--timeout", "5").catch(() => {});
  });

  it("dreams by itself once ≥ 5 new sessions are in, and reports it in /status and /metrics", async () => {
    const until = Date.now() + 120_000;
    let found: { id: string; sessions: number } | null = null;
    // The proposals need the token dreamd generated on its volume (the image has node, not cat).
    let headers: Record<string, string> | null = null;
    const readToken = async () => {
      const { stdout } = await compose(
        "exec",
        "-T",
        "dreamd",
        "node",
        "-e",
        "process.stdout.write(require('fs').readFileSync('/proposals/.dreamd/api-token','utf8').trim())",
      );
      return stdout.trim() ? { authorization: `Bearer ${stdout.trim()}` } : null;
    };
    while (!found && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1000));
      headers ??= await readToken().catch(() => null);
      if (!headers) continue;
      const list = await fetch(`${base}/dreams`, { headers })
        .then((r) => r.json() as Promise<{ dreams: DreamSummary[] }>)
        .catch(() => null);
      for (const d of list?.dreams ?? []) {
        const m = (await (await fetch(`${base}/dreams/${d.id}`, { headers })).json()) as {
          sessions: unknown[];
        };
        if (m.sessions.length >= 5) found = { id: d.id, sessions: m.sessions.length };
      }
    }
    if (!found) {
      const logs = await compose("logs", "--no-color", "--tail", "60").catch((e: Error) => ({
        stdout: e.message,
      }));
      throw new Error(`no session-gated dream within 120 s:\n${logs.stdout}`);
    }
    const status = (await (await fetch(`${base}/status`)).json()) as {
      lastSuccess: { dreamId: string } | null;
      gates: { sessionsSinceLast: number };
      scheduler: { enabled: boolean };
    };
    expect(status.scheduler.enabled).toBe(true);
    expect(status.lastSuccess).not.toBeNull();
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const complete = Number(/^dreamd_dreams_total\{status="complete"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
    expect(complete).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^dreamd_last_success_timestamp_seconds [1-9]/m);
    expect(metrics).toMatch(/^dreamd_snapshot_bytes [1-9]/m);
    const health = await sh("docker", [
      "inspect",
      "-f",
      "{{.State.Health.Status}}",
      `${project}_dreamd_1`,
    ]).catch(() => null);
    if (health) expect(["healthy", "starting"]).toContain(health.stdout.trim());
  });
});
