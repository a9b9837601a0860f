/**
 * The bound of `vi.waitFor` in core's tests: its 1 s default is too short for a real server's
 * answer on a loaded 2-core machine. The bound only ends a failing test.
 */
export const WAIT = { timeout: 15_000 };
