/**
 * @module bench/compare
 * Side-by-side timing of contenders in one run: interleaved rounds in alternating order,
 * per-round means, and ratios taken as the median of the per-round ratios, so a change of
 * machine load during the run favours no side. Used by the adapters' overhead benches.
 */

/** An operation to time. */
export type Timed = () => Promise<unknown>;

/** The median of `values`. */
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Per-round means (microseconds per operation) of each contender, measured interleaved in
 * alternating order (round -1 warms up and is dropped).
 */
export async function compare(
  contenders: Record<string, Timed>,
  perRound: number,
  rounds: number,
): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(contenders).map((k) => [k, []]),
  );
  for (let round = -1; round < rounds; round++) {
    // The order alternates, so no contender always runs right after another one's garbage.
    const entries = Object.entries(contenders);
    for (const [name, fn] of round % 2 === 0 ? entries : entries.reverse()) {
      globalThis.gc?.();
      const start = process.hrtime.bigint();
      for (let i = 0; i < perRound; i++) await fn();
      const us = Number(process.hrtime.bigint() - start) / 1000 / perRound;
      if (round >= 0) samples[name]!.push(us); // round -1 warms up
    }
  }
  return samples;
}

/**
 * Median of the per-round ratios `a / b`: each round's two figures were measured moments
 * apart, so a change of machine load during the run does not favour either side.
 */
export const ratioOf = (a: number[], b: number[]) => median(a.map((value, i) => value / b[i]!));

/** Microseconds, readable. */
export const fmt = (us: number) =>
  us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;

/** `ratio` against `target`, as a table cell. */
export const verdict = (ratio: number, target: number) =>
  `${ratio.toFixed(3)} (target <= ${target}: ${ratio <= target ? "met" : "MISSED"})`;

/** A titled table of `case | median | ratio` rows. */
export function ratioTable(title: string, rows: string[][]): string {
  const widths = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ["case", "median", "ratio"][i]!.length),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [
    title,
    line(["case", "median", "ratio"]),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
  ].join("\n");
}
