/**
 * A note's sections as a reader sees them: each ATX heading outside a code fence, with the lines it
 * covers (to the line before the next heading of its level or above, or the end of the file). Pure and
 * line-based, so the engine that proposes a block's removal and the code that checks it read one thing.
 */
export interface Section {
  /** 1-based line of the heading. */
  line: number;
  level: number;
  text: string;
  /** Last line the section covers, its trailing blank lines included. */
  end: number;
  /** The line of the heading it stands under (0 at the top of the file). */
  parent: number;
}

// The opening run only: the text and its optional closing "#"s are cut by hand, in one pass, since a
// pattern for both backtracks quadratically on a long line of spaces and "#"s (test/redos.test.ts).
const HEADING = /^ {0,3}(#{1,6})(?=[ \t]|$)/;

function headingText(rest: string): string {
  let end = rest.length;
  while (end > 0 && (rest[end - 1] === " " || rest[end - 1] === "\t")) end--;
  let hashes = end;
  while (hashes > 0 && rest[hashes - 1] === "#") hashes--;
  // A closing run counts only after white space (or as the whole text).
  if (hashes < end && (hashes === 0 || rest[hashes - 1] === " " || rest[hashes - 1] === "\t")) end = hashes;
  return rest.slice(0, end).trim();
}
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function sectionsOf(lines: readonly string[]): Section[] {
  const found: Omit<Section, "end" | "parent">[] = [];
  let fence: string | null = null;
  lines.forEach((line, i) => {
    const f = FENCE.exec(line)?.[1];
    if (fence !== null) {
      if (f && f[0] === fence[0] && f.length >= fence.length) fence = null;
      return;
    }
    if (f) {
      fence = f;
      return;
    }
    const h = HEADING.exec(line);
    if (h?.[1]) found.push({ line: i + 1, level: h[1].length, text: headingText(line.slice(h[0].length)) });
  });
  // One pass: a heading closes every open section of its level or deeper.
  const out: Section[] = [];
  const open: Section[] = [];
  for (const s of found) {
    while (open.length && (open.at(-1)?.level ?? 0) >= s.level) {
      const done = open.pop();
      if (done) done.end = s.line - 1;
    }
    const section = { ...s, end: lines.length, parent: open.at(-1)?.line ?? 0 };
    open.push(section);
    out.push(section);
  }
  return out;
}

/** A section's lines that say something: white space squeezed, blank lines dropped. */
export function contentOf(lines: readonly string[], from: number, to: number): string[] {
  return lines
    .slice(from - 1, to)
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => l !== "");
}
