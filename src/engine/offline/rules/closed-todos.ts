import { containment, contentWords } from "../../../text/similarity.ts";
import type { ProposedOperation } from "../../engine.ts";
import { pruneBySession, saidAfter, where } from "../plan.ts";
import type { Rule } from "./rule.ts";

/**
 * Stale TODOs: an open task ("- [ ] rotate the signing keys") that a person, in a session provably later,
 * reports done is pruned, citing the session's words. An open task nobody closed stays, however old.
 */
const OPEN_TODO = /^\s*(?:[-*+]|\d{1,9}[.)])\s+\[ \]\s+(\S.*)$/;
const DONE = /\b(done|finished|completed|closed|fixed|resolved|shipped|merged|no longer needed)\b/i;
const MATCH = 0.6;

export const closedTodos: Rule = {
  name: "closed-todos",
  run({ planned, removed, held, typed, seenSince }) {
    // What a person typed: an assistant's "done" or a tool's output is not the owner closing a task.
    const sentences = typed
      .filter((t) => DONE.test(t.sentence))
      .map((t) => ({ ...t, words: new Set(contentWords(t.sentence)) }));
    const ops: ProposedOperation[] = [];
    for (const p of planned) {
      if (removed.has(p) || held.has(p) || p.entry.lines.length > 1) continue;
      const task = OPEN_TODO.exec(p.entry.lines[0] ?? "")?.[1];
      if (!task) continue;
      const words = new Set(contentWords(task));
      if (words.size < 2) continue;
      const closing = sentences.find(
        (s) => containment(words, s.words) >= MATCH && saidAfter(p, s, seenSince),
      );
      if (!closing) continue;
      removed.add(p);
      ops.push(
        pruneBySession(
          p,
          closing,
          `open TODO at ${where(p)} was reported done in session ${closing.session.id}: "${closing.sentence}"`,
        ),
      );
    }
    return ops;
  },
};
