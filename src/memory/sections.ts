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

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$/;
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
    if (h?.[1]) found.push({ line: i + 1, level: h[1].length, text: (h[2] ?? "").trim() });
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
