/**
 * @module event-loop
 * Whether work ran off the event loop, told by the loop's order rather than by a clock: a
 * call that blocks the thread until it answers lets no `setImmediate` callback run first,
 * while one that hands the work to a worker and arms a timer when the worker starts it lets
 * at least one run before that timer's answer, however loaded the machine is.
 */

/** What {@link loopTurnsWhile} saw. */
export interface LoopTurns<T> {
  /** `setImmediate` turns that ran before `work` settled (counting stops at 3). */
  turns: number;
  /** How `work` settled. */
  outcome: PromiseSettledResult<T>;
}

/**
 * Starts `work` with an immediate queued just before it and answers how many event-loop
 * turns ran before it settled. Expect `turns > 0` only when `work` answers through a timer
 * armed after the call (a deadline): a worker's quick reply may come before any turn.
 */
export async function loopTurnsWhile<T>(work: () => Promise<T>): Promise<LoopTurns<T>> {
  let turns = 0;
  let settled = false;
  const turn = () => {
    if (settled) return;
    turns += 1;
    if (turns < 3) setImmediate(turn);
  };
  setImmediate(turn);
  const [outcome] = await Promise.allSettled([Promise.resolve().then(work)]);
  settled = true;
  return { turns, outcome: outcome as PromiseSettledResult<T> };
}
