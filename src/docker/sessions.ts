import type Dockerode from "dockerode";
import { errorMessage } from "../errors.ts";
import type { Logger } from "../logger.ts";

/**
 * Counts finished agent sessions from Docker: each `die` of a container carrying the agent label is one
 * session. Events are kept by (container, time), so a replay after reconnecting — `since` the last event
 * seen — never counts a session twice. On start it replays from the last successful dream, so a dreamd
 * restart loses no count.
 */
export interface DockerSessions {
  start(since: Date | null): void;
  stop(): void;
  /** Sessions that ended after `since` (all seen when null). */
  countSince(since: Date | null): number;
  connected(): boolean;
}

export interface DockerSessionsDeps {
  docker: Pick<Dockerode, "getEvents">;
  /** `key` or `key=value`, as `docker ps --filter label=…` takes it. */
  label: string;
  log: Logger;
  reconnectMs?: number;
  now?: () => number;
}

interface DockerEvent {
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  timeNano?: number;
}

export function createDockerSessions(deps: DockerSessionsDeps): DockerSessions {
  const seen = new Map<string, number>();
  let lastEventSec: number | null = null;
  let stream: NodeJS.ReadableStream | null = null;
  let stopped = true;
  let retry: NodeJS.Timeout | null = null;
  let isConnected = false;

  const onEvent = (e: DockerEvent) => {
    if ((e.Action ?? e.status) !== "die" || !e.id) return;
    const ms = e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000;
    seen.set(`${e.id}@${ms}`, ms);
    lastEventSec = Math.max(lastEventSec ?? 0, Math.floor(ms / 1000));
  };

  const connect = async (since: number | null) => {
    if (stopped) return;
    try {
      const s = await deps.docker.getEvents({
        filters: { type: ["container"], event: ["die"], label: [deps.label] },
        ...(since !== null ? { since } : {}),
      });
      stream = s;
      isConnected = true;
      let buf = "";
      s.on("data", (chunk: Buffer) => {
        buf += chunk.toString("utf8");
        let nl = buf.indexOf("\n");
        while (nl !== -1) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) {
            try {
              onEvent(JSON.parse(line) as DockerEvent);
            } catch {
              deps.log.warn("unreadable docker event", { line: line.slice(0, 200) });
            }
          }
          nl = buf.indexOf("\n");
        }
      });
      const dropped = (why: string) => {
        if (stream !== s) return;
        stream = null;
        isConnected = false;
        if (!stopped) {
          deps.log.warn("docker event stream dropped; reconnecting", { why });
          schedule();
        }
      };
      s.on("end", () => dropped("end"));
      s.on("close", () => dropped("close"));
      s.on("error", (err: Error) => dropped(err.message));
    } catch (err) {
      isConnected = false;
      deps.log.warn("cannot read docker events; retrying", { error: errorMessage(err) });
      schedule();
    }
  };
  const schedule = () => {
    if (retry || stopped) return;
    retry = setTimeout(() => {
      retry = null;
      // Replay from the last event seen (inclusive: same-second events are de-duplicated by key).
      void connect(lastEventSec);
    }, deps.reconnectMs ?? 2_000);
    retry.unref();
  };

  return {
    start(since) {
      if (!stopped) return;
      stopped = false;
      void connect(since ? Math.floor(since.getTime() / 1000) : null);
    },
    stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      retry = null;
      const s = stream as (NodeJS.ReadableStream & { destroy?: () => void }) | null;
      stream = null;
      s?.destroy?.();
      isConnected = false;
    },
    countSince(since) {
      const t = since?.getTime() ?? Number.NEGATIVE_INFINITY;
      let n = 0;
      for (const ms of seen.values()) if (ms > t) n++;
      return n;
    },
    connected: () => isConnected,
  };
}
