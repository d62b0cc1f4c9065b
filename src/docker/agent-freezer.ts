import type Dockerode from "dockerode";
import { errorMessage } from "../errors.ts";
import type { Logger } from "../logger.ts";

/**
 * Point-in-time copies: pause the running agent containers (by label) while the memory is snapshotted and
 * read, then unpause them, even when the snapshot fails. If dreamd itself dies in between, the agent would
 * stay paused, so `recover()` (run at start) unpauses any labelled container left paused.
 */
export interface AgentFreezer {
  around<T>(fn: () => Promise<T>): Promise<T>;
  recover(): Promise<number>;
}

export function createAgentFreezer(
  docker: Pick<Dockerode, "listContainers" | "getContainer">,
  label: string,
  log: Logger,
): AgentFreezer {
  const list = async (status: string) =>
    (await docker.listContainers({ filters: { label: [label], status: [status] } })).map((c) => c.Id);
  const unpause = async (id: string) => {
    try {
      await docker.getContainer(id).unpause();
    } catch (err) {
      log.error("could not unpause agent container", { id, error: errorMessage(err) });
    }
  };
  return {
    async around(fn) {
      const paused: string[] = [];
      try {
        for (const id of await list("running")) {
          await docker.getContainer(id).pause();
          paused.push(id);
        }
        if (paused.length) log.info("agent paused", { containers: paused.length });
        return await fn();
      } finally {
        for (const id of paused) await unpause(id);
      }
    },
    async recover() {
      const stuck = await list("paused");
      for (const id of stuck) await unpause(id);
      if (stuck.length)
        log.warn("unpaused agent containers left paused by an interrupted dream", {
          containers: stuck.length,
        });
      return stuck.length;
    },
  };
}
