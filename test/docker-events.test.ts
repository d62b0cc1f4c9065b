import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { createDockerSessions } from "../src/docker/sessions.ts";
import { silentLogger } from "../src/logger.ts";
import { dockerUnavailable, LOCAL_BASE, sh } from "./docker-support.ts";

const skip = await dockerUnavailable();

describe.skipIf(skip)("docker events from a real engine", () => {
  it("a labelled agent container's exit is one session; unlabelled ones are not", async () => {
    await sh("bash", [new URL("../scripts/local-base-image.sh", import.meta.url).pathname, LOCAL_BASE]);
    const label = `dreamd.test.agent=${process.pid}`;
    const ds = createDockerSessions({ docker: new Docker(), label, log: silentLogger });
    const since = new Date(Date.now() - 1000);
    ds.start(since);
    for (const l of [label, label, "other=1"]) {
      await sh("docker", ["run", "--rm", "--label", l, "--network", "none", LOCAL_BASE, "node", "-e", "0"]);
    }
    const until = Date.now() + 20_000;
    while (ds.countSince(since) < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    expect(ds.countSince(since)).toBe(2);
    expect(ds.connected()).toBe(true);
    ds.stop();
  });
});

describe.skipIf(skip)("pausing the agent for a point-in-time snapshot", () => {
  it("pauses labelled running containers around the snapshot, and recovers ones left paused", async () => {
    const { createAgentFreezer } = await import("../src/docker/agent-freezer.ts");
    const label = `dreamd.test.freeze=${process.pid}`;
    const { stdout } = await sh("docker", [
      "run",
      "-d",
      "--label",
      label,
      "--network",
      "none",
      LOCAL_BASE,
      "node",
      "-e",
      "setInterval(() => {}, 1000)",
    ]);
    const id = stdout.trim();
    const docker = new Docker();
    const paused = async () => (await docker.getContainer(id).inspect()).State.Paused;
    try {
      const freezer = createAgentFreezer(docker, label, silentLogger);
      expect(await freezer.around(paused)).toBe(true);
      expect(await paused()).toBe(false);
      await expect(freezer.around(async () => Promise.reject(new Error("snapshot failed")))).rejects.toThrow(
        "snapshot failed",
      );
      expect(await paused()).toBe(false);
      await docker.getContainer(id).pause();
      expect(await freezer.recover()).toBe(1);
      expect(await paused()).toBe(false);
    } finally {
      await sh("docker", ["rm", "-f", id]);
    }
  });
});
