import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../logger.ts";
import { createDockerSessions } from "./sessions.ts";

function fakeDocker() {
  const calls: { since?: number; filters: unknown }[] = [];
  const streams: PassThrough[] = [];
  return {
    calls,
    streams,
    docker: {
      async getEvents(opts: { since?: number; filters: unknown }) {
        calls.push(opts);
        const s = new PassThrough();
        streams.push(s);
        return s;
      },
    },
  };
}

const die = (id: string, sec: number) =>
  `${JSON.stringify({ Type: "container", Action: "die", id, time: sec, timeNano: sec * 1e9 })}\n`;
const tick = () => new Promise((r) => setTimeout(r, 20));

describe("docker sessions", () => {
  it("counts each labelled container death once, across a dropped stream and its replay", async () => {
    const f = fakeDocker();
    const ds = createDockerSessions({
      docker: f.docker as never,
      label: "dreamd.agent",
      log: silentLogger,
      reconnectMs: 10,
    });
    ds.start(new Date(1_000_000));
    await tick();
    expect(f.calls[0]).toMatchObject({
      since: 1000,
      filters: { type: ["container"], event: ["die"], label: ["dreamd.agent"] },
    });
    f.streams[0]?.write(die("a", 1001) + die("b", 1002).slice(0, 20));
    f.streams[0]?.write(die("b", 1002).slice(20));
    f.streams[0]?.write(`${JSON.stringify({ Action: "start", id: "c", time: 1003 })}\n`);
    await tick();
    expect(ds.countSince(null)).toBe(2);
    f.streams[0]?.end();
    await tick();
    await tick();
    // Reconnected from the last event seen; the replayed event is not counted again.
    expect(f.calls[1]?.since).toBe(1002);
    f.streams[1]?.write(die("b", 1002) + die("d", 1005));
    await tick();
    expect(ds.countSince(null)).toBe(3);
    expect(ds.countSince(new Date(1_002_500))).toBe(1);
    ds.stop();
  });
});
