import type { Evidence } from "../../../manifest.ts";
import { containment, contentWords, jaccard } from "../../../text/similarity.ts";
import type { Session } from "../../../transcripts/session.ts";
import type { ProposedOperation } from "../../engine.ts";
import { namesIn, type Typed } from "../said.ts";
import type { Rule } from "./rule.ts";

/**
 * Recurring corrections and preferences: the same instruction from the user in at least MIN_SESSIONS
 * sessions becomes a new feedback note (in the store's own style: a topic file with frontmatter, linked
 * from MEMORY.md when there is one), citing each session. Seen once or twice, it is left alone; already
 * in memory, it is not written again.
 */
export const MIN_SESSIONS = 3;
const INDEX_MAX_LINES = 200;
const INDEX_MAX_BYTES = 25 * 1024;
const SIMILAR = 0.5;
const CUE = /\b(always|never|don't|do not|dont|please|prefer|use|avoid|stop|make sure|keep|no more)\b/i;
const FILLER = new Set(["please", "always", "also", "here", "now", "again", "thanks", "ok", "okay"]);

interface Candidate {
  session: Session;
  index: number;
  sentence: string;
  words: Set<string>;
  /** The names it gives, sorted: "use pnpm for the billing-api" and "… the search-api" are two things. */
  names: string;
}

/** What a person typed (said.ts: not a paste, a machine's text or a template every session repeats). */
function candidates(typed: readonly Typed[]): Candidate[] {
  const out: Candidate[] = [];
  for (const { session, index, sentence } of typed) {
    const n = sentence.split(/\s+/).length;
    if (n < 3 || n > 30 || !CUE.test(sentence)) continue;
    const words = new Set(contentWords(sentence).filter((w) => !FILLER.has(w)));
    if (words.size >= 2)
      out.push({ session, index, sentence, words, names: namesIn(sentence).sort().join(" ") });
  }
  return out;
}

function slugOf(words: Iterable<string>): string {
  const slug = [...words]
    .map((w) => w.replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, ""))
    .filter(Boolean)
    .slice(0, 4)
    .join("_");
  return slug || "preference";
}

export const patterns: Rule = {
  name: "patterns",
  run({ planned, removed, typed, paths: notePaths, index: indexLines }) {
    const surviving = planned.filter((p) => !removed.has(p));
    const clusters: Candidate[][] = [];
    for (const c of candidates(typed)) {
      const home = clusters.find(
        (cl) => cl[0] && cl[0].names === c.names && jaccard(cl[0].words, c.words) >= SIMILAR,
      );
      if (home) home.push(c);
      else clusters.push([c]);
    }
    const ops: ProposedOperation[] = [];
    const taken = new Set(notePaths);
    let linked = 0;
    for (const cluster of clusters) {
      const first = cluster[0];
      if (!first) continue;
      const bySession = new Map<string, Candidate>();
      for (const c of cluster) if (!bySession.has(c.session.id)) bySession.set(c.session.id, c);
      if (bySession.size < MIN_SESSIONS) continue;
      const covered = surviving.some(
        (p) => containment(first.words, p.words) >= 0.6 || jaccard(first.words, p.words) >= SIMILAR,
      );
      if (covered) continue;
      let path = `feedback_${slugOf(first.words)}.md`;
      for (let n = 2; taken.has(path); n++) path = `feedback_${slugOf(first.words)}_${n}.md`;
      taken.add(path);
      const title = first.sentence.replace(/(?<![.!?])[.!?]+$/, "");
      const evidence: Evidence[] = [...bySession.values()].map((c) => ({
        source: "session",
        session: c.session.id,
        index: c.index,
        quote: c.sentence,
      }));
      const body = [
        "---",
        `name: ${title.slice(0, 80)}`,
        `description: recurring instruction from the user, seen in ${bySession.size} sessions`,
        "type: feedback",
        "---",
        "",
        `- ${title}.`,
      ];
      const changes = [{ path, startLine: 1, endLine: 0, before: [], after: body }];
      const targets = [path];
      // MEMORY.md is loaded into every session: it stays within 200 lines and 25 KB, linked or not.
      const indexFull =
        indexLines !== null &&
        (indexLines.length + linked >= INDEX_MAX_LINES ||
          Buffer.byteLength(indexLines.join("\n")) + linked * 120 >= INDEX_MAX_BYTES);
      if (indexLines && !indexFull) {
        linked++;
        const n = indexLines.length;
        changes.push({
          path: "MEMORY.md",
          startLine: n + 1,
          endLine: n,
          before: [],
          after: [`- [Feedback: ${title.slice(0, 60)}](${path}) — seen in ${bySession.size} sessions`],
        });
        targets.push("MEMORY.md");
      }
      ops.push({
        kind: "create",
        targets,
        reason:
          `the user said this in ${bySession.size} sessions (${[...bySession.keys()].join(", ")}) and no memory entry covers it` +
          (indexFull
            ? "; MEMORY.md is at its 200-line / 25 KB limit, so the note is not linked from it"
            : ""),
        evidence,
        changes,
      });
    }
    return ops;
  },
};
