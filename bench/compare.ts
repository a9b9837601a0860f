/**
 * @module bench/compare
 * Side-by-side timing of contenders in one run: interleaved rounds in rotating order,
 * per-round means of CPU time (or wall time), and ratios taken as the median of the
 * per-round ratios, so a change of machine load during the run favours no side. Used by the
 * adapters' overhead benches.
 */

/** An operation to time. */
export type Timed = () => Promise<unknown>;

/**
 * What a round measures: `cpu` (default), the process's CPU time (`process.cpuUsage`, all
 * threads, microsecond resolution), which other processes on a busy machine barely move
 * since time spent waiting for a core is not counted; or `wall`, elapsed time. Set with
 * `BENCH_CLOCK=wall`.
 */
const CLOCK: BenchClock = process.env.BENCH_CLOCK === "wall" ? "wall" : "cpu";

/**
 * Which clock a comparison reads. A comparison whose work runs in other processes (a gateway,
 * a spawned server) must read `wall`: this process's CPU time does not see their work.
 */
export type BenchClock = "cpu" | "wall";

/** Rounds run first and dropped (JIT, caches), unless `compare` is told otherwise. */
export const WARM_UP_ROUNDS = Number(process.env.BENCH_WARMUP_ROUNDS ?? 3);

/** Microseconds on `clock`. */
function now(clock: BenchClock = CLOCK): number {
  if (clock === "wall") return Number(process.hrtime.bigint()) / 1000;
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** The median of `values`. */
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Rounds run first and dropped (JIT, caches). @default 3 (`BENCH_WARMUP_ROUNDS`) */
  warmUp?: number;
  /**
   * `block` (default): each contender runs its `perRound` operations in one timed block, and
   * gives one sample per round (its mean), for operations too short to time one by one.
   * `op`: the contenders take turns operation by operation, each operation timed alone and
   * kept as a sample, so the i-th samples of all contenders were taken moments apart (for
   * operations of a millisecond or so, such as an agent run, where one garbage collection or
   * a burst of load elsewhere spoils single operations, which the median of the paired
   * ratios then ignores).
   */
  each?: "block" | "op";
  /** The clock read, overriding `BENCH_CLOCK` (see {@link BenchClock}). */
  clock?: BenchClock;
}

/**
 * Samples (microseconds per operation, on the {@link CLOCK}) of each contender, measured
 * interleaved: the order rotates by one each round and, every full rotation, changes
 * direction, so every contender takes every place in the order equally often, after each of
 * the others. The i-th samples of the contenders are measured together (ratios pair them).
 */
export async function compare<K extends string>(
  contenders: Record<K, Timed>,
  perRound: number,
  rounds: number,
  options: CompareOptions = {},
): Promise<Record<K, number[]>> {
  const warmUp = options.warmUp ?? WARM_UP_ROUNDS;
  const time = () => now(options.clock);
  const names = Object.keys(contenders) as K[];
  const samples = Object.fromEntries(names.map((k) => [k, []])) as unknown as Record<K, number[]>;
  for (let round = -warmUp; round < rounds; round++) {
    const order = orderOf(names, round + warmUp);
    globalThis.gc?.();
    if (options.each === "op") {
      for (let i = 0; i < perRound; i++) {
        for (const name of i % 2 === 0 ? order : [...order].reverse()) {
          const start = time();
          await contenders[name]();
          if (round >= 0) samples[name].push(time() - start);
        }
      }
      continue;
    }
    for (const name of order) {
      globalThis.gc?.();
      const start = time();
      for (let i = 0; i < perRound; i++) await contenders[name]();
      if (round >= 0) samples[name].push((time() - start) / perRound);
    }
  }
  return samples;
}

/** The order of round `turn`: rotated by `turn`, reversed every other full rotation. */
export function orderOf<K>(names: readonly K[], turn: number): K[] {
  const n = names.length;
  const rotated = names.map((_, i) => names[(i + turn) % n]!);
  return Math.floor(turn / n) % 2 === 0 ? rotated : rotated.reverse();
}

/**
 * Median of the paired ratios `a[i] / b[i]` (per round, or per operation): each pair was
 * measured moments apart, so a change of machine load during the run does not favour either
 * side, and a spoiled sample moves only its own pair.
 */
export const ratioOf = (a: number[], b: number[]) => median(a.map((value, i) => value / b[i]!));

/** Microseconds, readable. */
export const fmt = (us: number) =>
  us >= 1000
    ? `${(us / 1000).toFixed(2)} ms`
    : us >= 10
      ? `${us.toFixed(1)} µs`
      : `${(us * 1000).toFixed(0)} ns`;

/** `ratio` against `target`, as a table cell. */
export const verdict = (ratio: number, target: number) =>
  `${ratio.toFixed(3)} (target <= ${target}: ${ratio <= target ? "met" : "MISSED"})`;

/** A titled table of `case | median | ratio` rows (the title says which clock was used). */
export function ratioTable(title: string, rows: string[][], clock: BenchClock = CLOCK): string {
  const heading = `${title}; clock: ${clock === "cpu" ? "process CPU time" : "wall time"}`;
  const widths = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ["case", "median", "ratio"][i]!.length),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [
    heading,
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
 * (`never` names it; target <= 1.05 over the bare tool), the policy's own work, and the
 * wrapper with the policy (target <= 1.05 over the same check run by hand before the bare
 * tool).
 */
export function callOverheadRows(
  calls: CallSamples,
  check: string,
  never = "policy false",
): string[][] {
  return [
    ["un-flagged tool call: bare tool", fmt(median(calls.bare)), ""],
    [
      `un-flagged tool call: withApproval, ${never}`,
      fmt(median(calls.never)),
      verdict(ratioOf(calls.never, calls.bare), 1.05),
    ],
    ...policyRows(calls.bare, {
      byHand: [`un-flagged tool call: bare tool + the ${check} by hand`, calls.policyByHand],
      policy: [`un-flagged tool call: withApproval, ${check} policy`, calls.guarded],
    }),
  ];
}

/**
 * Two rows against `base`: a check written by hand (the policy's own work) and the same
 * check as a policy (target <= 1.05 over the check by hand: the adapter's own cost).
 */
export function policyRows(
  base: number[],
  rows: { byHand: [string, number[]]; policy: [string, number[]] },
): string[][] {
  const [byHandLabel, byHand] = rows.byHand;
  const [policyLabel, policy] = rows.policy;
  return [
    [
      byHandLabel,
      fmt(median(byHand)),
      `${ratioOf(byHand, base).toFixed(3)} (the policy's own work)`,
    ],
    [
      policyLabel,
      fmt(median(policy)),
      `${ratioOf(policy, base).toFixed(3)}; over the check by hand: ${verdict(ratioOf(policy, byHand), 1.05)}`,
    ],
  ];
}
