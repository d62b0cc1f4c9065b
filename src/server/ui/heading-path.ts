const HEADING = /^ {0,3}(#{1,6})(?:[ \t]|$)/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * The Markdown headings enclosing 1-based `line` ("Projects › Billing API"), so a reviewer sees which
 * entry a change touches. A line scan, not a parse: the page renders hundreds of cards, and a heading
 * inside a fenced code block is skipped.
 */
export function headingPath(lines: readonly string[], line: number): string[] {
  const stack: { level: number; text: string }[] = [];
  let fence: string | null = null;
  for (let i = 0; i < Math.min(line, lines.length); i++) {
    const l = lines[i] ?? "";
    const f = FENCE.exec(l);
    if (f?.[1]) {
      if (fence === null) fence = f[1][0] ?? null;
      else if (f[1][0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const m = HEADING.exec(l);
    if (!m?.[1]) continue;
    const level = m[1].length;
    while (stack.length && (stack.at(-1)?.level ?? 0) >= level) stack.pop();
    stack.push({ level, text: headingText(l.slice(m[0].length)) });
  }
  return stack.map((s) => s.text);
}

/** A heading's text without its optional closing run of #s (by hand: a regex for it is polynomial). */
function headingText(rest: string): string {
  const t = rest.trim();
  let end = t.length;
  while (end > 0 && t[end - 1] === "#") end--;
  return end === 0 || t[end - 1] === " " || t[end - 1] === "\t" ? t.slice(0, end).trim() : t;
}
