/**
 * JSON.stringify(value, null, indent) in pieces of about `chunk` characters: the same text once joined.
 * A proposal's manifest at 100k entries is ~33 MB of JSON: built as one string (two bytes a character
 * once it holds a "—"), then copied again into a Buffer to be written, it was the dream's last and
 * largest allocation, made when the heap was fullest. For plain data (what a toJSON returns is not
 * asked for its own toJSON again, as stringify would not).
 */
export function* jsonChunks(value: object, indent = 2, chunk = 1 << 16): Generator<string> {
  const step = " ".repeat(indent);
  let buf: string[] = [];
  let size = 0;
  const put = (s: string) => {
    buf.push(s);
    size += s.length;
  };
  function* write(v: unknown, depth: number): Generator<string> {
    const pad = step.repeat(depth);
    if (depth >= SPLIT_DEPTH || v === null || typeof v !== "object") {
      // JSON never holds a raw newline inside a string: each newline is stringify's own, to indent.
      const s = JSON.stringify(v, null, indent) ?? "null";
      put(depth ? s.replaceAll("\n", `\n${pad}`) : s);
    } else {
      const array = Array.isArray(v);
      const members = array
        ? Array.from(v as unknown[], (el, i) => [null, jsonOf(el, String(i))] as const)
        : Object.entries(v).flatMap(([k, el]) => {
            const own = jsonOf(el, k);
            return skipped(own) ? [] : [[k, own] as const];
          });
      const [open, close] = array ? ["[", "]"] : ["{", "}"];
      if (!members.length) put(`${open}${close}`);
      else {
        put(open);
        for (const [i, [k, el]] of members.entries()) {
          put(`${i ? "," : ""}\n${pad}${step}${k === null ? "" : `${JSON.stringify(k)}: `}`);
          // As stringify does: what JSON cannot hold is null in an array.
          yield* write(skipped(el) ? null : el, depth + 1);
        }
        put(`\n${pad}${close}`);
      }
    }
    if (size >= chunk) {
      yield buf.join("");
      buf = [];
      size = 0;
    }
  }
  yield* write(jsonOf(value, ""), 0);
  if (buf.length) yield buf.join("");
}

/** Containers this near the top are written member by member; deeper ones whole, by JSON.stringify. */
const SPLIT_DEPTH = 3;

function jsonOf(v: unknown, key: string): unknown {
  const toJSON = (v as { toJSON?: unknown } | null)?.toJSON;
  return typeof toJSON === "function" ? toJSON.call(v, key) : v;
}

const skipped = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";
