import type { Evidence, ReviewItem } from "../../manifest.ts";
import type { Candidate, DreamContext, ProposedOperation } from "../engine.ts";
import { memoryContext } from "./context.ts";

/**
 * What Claude decides: an offline proposal, possible duplicates the offline rules could not confirm, or a
 * correction a person stated in a session beside the entry that may still say otherwise.
 */
export interface Cluster {
  evidence: Evidence[];
  proposal: ProposedOperation | null;
  candidate?: Candidate;
  correction?: ReviewItem;
}

/**
 * The offline review items Claude may decide: a session's words beside memory entries (session-corrections,
 * session-switches). Which side holds needs meaning; code still checks whatever Claude makes of them
 * (a session retires or rewrites only what it provably came after: checks/session-order.ts, rewrites.ts).
 */
export function correctionClusters(review: readonly ReviewItem[]): Cluster[] {
  return review
    .filter(
      (r) =>
        r.kind === "contradiction" &&
        r.evidence.some((ev) => ev.source === "session") &&
        r.evidence.some((ev) => ev.source === "memory"),
    )
    .map((r) => ({ evidence: r.evidence, proposal: null, correction: r }));
}

const CORRECTION = `
A correction a person stated in a session, beside memory entries that may still say otherwise. Only if the
person's words were said after the entry was written (see each line's date and the session's start) and are
about the same subject's same attribute: one "supersede" rewriting that entry's line with the corrected value
in the person's words, the rest of the line kept, citing the session message and the entry; or one "prune"
of the entry if they say the thing is gone. Otherwise an empty list: it stays listed for the owner.
`;
const POSSIBLE =
  "\nPossible duplicates in other words, no offline proposal: merge them only if they state one fact.\n";

export function clusterText({ evidence, proposal, correction }: Cluster, ctx: DreamContext): string {
  const lines: string[] = [];
  for (const ev of evidence) {
    if (ev.source === "memory") {
      lines.push(memoryContext(ev, ctx.memory));
    } else {
      const session = ctx.sessions.find((s) => s.id === ev.session);
      const msg = session?.messages[ev.index];
      const started = session?.startedAt
        ? `, session started ${session.startedAt}`
        : ", session time unknown";
      lines.push(
        `session ${ev.session} message ${ev.index} (${msg?.role ?? "?"}${started}): ${msg?.text.slice(0, 2_000) ?? ""}`,
      );
    }
  }
  const ask = proposal ? "" : correction ? CORRECTION : POSSIBLE;
  return `<data>\n${lines.join("\n")}\n</data>\n${ask}\nOffline proposal:\n<data>\n${JSON.stringify(proposal)}\n</data>`;
}
