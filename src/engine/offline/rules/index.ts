import { closedTodos } from "./closed-todos.ts";
import { danglingIndexLinks } from "./dangling-index-links.ts";
import { duplicateBlocks } from "./duplicate-blocks.ts";
import { exactDuplicates } from "./exact-duplicates.ts";
import { expiredDeadlines } from "./expired-deadlines.ts";
import { nearDuplicates } from "./near-duplicates.ts";
import { normalize } from "./normalize.ts";
import { patterns } from "./patterns.ts";
import { removedReferences } from "./removed-references.ts";
import type { Rule } from "./rule.ts";
import { sessionCorrections } from "./session-corrections.ts";
import { sessionSwitches } from "./session-switches.ts";
import { staleClaims } from "./stale-claims.ts";
import { supersede } from "./supersede.ts";

export type { Rule, RuleContext } from "./rule.ts";

/**
 * The offline rules, in the order they run. An entry belongs to the first rule that removes it (later
 * rules skip what is in `removed`), and code refuses a change that overlaps one accepted before it, so
 * the order is the order of trust, strongest first:
 * - relative dates are made absolute before any rule (when the store is planned), so entries written on
 *   different days never compare as one fact;
 * - whole blocks first: a section written twice under one heading goes as one change, and a block
 *   copied anywhere else is listed and held, so no line rule takes it apart one line at a time;
 * - merges next: a duplicate is the surest removal (its twin survives) and leaves one copy for the rules
 *   after it to judge; exact before near, so the near pass only sees entries that are not equal;
 * - supersede next: it needs one entry per value, and the latest written wins;
 * - then what sessions supersede or retire (a switch naming both sides, closed TODOs, removed things),
 *   then what code alone can prove stale
 *   (dangling index links, expired deadlines);
 * - then what is listed for review and never changed (stale plans, corrections a person stated in a
 *   session beside the entries that may still say otherwise);
 * - normalize after every removal: a date is rewritten only in an entry that stays;
 * - patterns last: a new note only for what no surviving entry already says.
 * Adding a rule: one file beside these, with its test, and one line here.
 */
export const RULES: readonly Rule[] = [
  duplicateBlocks,
  exactDuplicates,
  nearDuplicates,
  supersede,
  sessionSwitches,
  closedTodos,
  removedReferences,
  danglingIndexLinks,
  expiredDeadlines,
  staleClaims,
  sessionCorrections,
  normalize,
  patterns,
];
