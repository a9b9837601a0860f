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
 * Per-round means (microseconds per operation) of each contender, measured interleaved: each
 * round starts with another contender and alternates direction, so every contender takes
 * every place in the order equally often and none always runs right after another one's
 * garbage. `warmUp` rounds come first and are dropped (JIT, caches).
 */
export async function compare<K extends string>(
  contenders: Record<K, Timed>,
  perRound: number,
  rounds: number,
  warmUp = Number(process.env.BENCH_WARMUP_ROUNDS ?? 3),
): Promise<Record<K, number[]>> {
  const names = Object.keys(contenders) as K[];
  const samples = Object.fromEntries(names.map((k) => [k, []])) as unknown as Record<K, number[]>;
  for (let round = -warmUp; round < rounds; round++) {
    const turn = round + warmUp;
    const rotated = names.map((_, i) => names[(i + turn) % names.length]!);
    for (const name of turn % 2 === 0 ? rotated : rotated.reverse()) {
      const fn = contenders[name];
      globalThis.gc?.();
      const start = process.hrtime.bigint();
      for (let i = 0; i < perRound; i++) await fn();
      const us = Number(process.hrtime.bigint() - start) / 1000 / perRound;
      if (round >= 0) samples[name].push(us);
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

/** Samples of an un-flagged tool call, bare and through an adapter's guard. */
export interface CallSamples {
  /** The bare tool. */
  bare: number[];
  /** Guarded, with a policy that never flags the tool: the wrapper's own cost. */
  never: number[];
  /** The bare tool after the policy's check run by hand: the policy's own cost. */
  policyByHand: number[];
  /** Guarded, with the policy (which does not flag this call). */
  guarded: number[];
}

/**
 * The rows of an un-flagged call's overhead: the wrapper with a policy that never flags
 * (target <= 1.05 over the bare tool), the policy's own work, and the wrapper with the
 * policy (target <= 1.05 over the same check run by hand before the bare tool).
 */
export function callOverheadRows(calls: CallSamples, check: string): string[][] {
  const byHand = ratioOf(calls.policyByHand, calls.bare);
  return [
    ["un-flagged tool call: bare tool", fmt(median(calls.bare)), ""],
    [
      "un-flagged tool call: withApproval, policy false",
      fmt(median(calls.never)),
      verdict(ratioOf(calls.never, calls.bare), 1.05),
    ],
    [
      `un-flagged tool call: bare tool + the ${check} by hand`,
      fmt(median(calls.policyByHand)),
      `${byHand.toFixed(3)} (the policy's own work)`,
    ],
    [
      `un-flagged tool call: withApproval, ${check} policy`,
      fmt(median(calls.guarded)),
      `${ratioOf(calls.guarded, calls.bare).toFixed(3)}; over the check by hand: ${verdict(ratioOf(calls.guarded, calls.policyByHand), 1.05)}`,
    ],
  ];
}
