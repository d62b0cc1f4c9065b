/**
 * A set of index pairs (i < j < n), each held as the one number i·n + j. Near-duplicate search collects
 * a few hundred thousand pairs at 100k entries: as a string key in a Set plus a tuple each, they were
 * tens of MB that lived long enough to be promoted; as numbers they are 8 bytes a pair.
 */
export class PairSet {
  readonly #n: number;
  #codes: number[] = [];

  constructor(n: number) {
    // i·n + j stays an exact integer in a double only below 2^53.
    if (n * n > Number.MAX_SAFE_INTEGER) throw new RangeError(`too many items for a PairSet: ${n}`);
    this.#n = n;
  }

  /** Add the pair (i, j), i < j; adding a pair again is a no-op. */
  add(i: number, j: number): void {
    this.#codes.push(i * this.#n + j);
  }

  /** Each pair once, by i then j. */
  sorted(): [number, number][] {
    const codes = Float64Array.from(this.#codes).sort();
    this.#codes = [];
    const out: [number, number][] = [];
    for (let k = 0; k < codes.length; k++) {
      const c = codes[k] ?? 0;
      if (k > 0 && c === codes[k - 1]) continue;
      const i = Math.floor(c / this.#n);
      out.push([i, c - i * this.#n]);
    }
    return out;
  }
}
