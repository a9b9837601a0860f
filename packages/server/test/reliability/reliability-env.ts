/**
 * @module test/reliability/reliability-env
 * Sizes and randomness of the reliability suite. Sizes come from the environment so CI runs
 * a bounded suite (a few minutes on 2 cores) and a person can run it big:
 * `SAFEGUARDS_SOAK_ACTIONS=10000 pnpm test:reliability`.
 */

const intEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};

/** Actions of the soak test (`SAFEGUARDS_SOAK_ACTIONS`). @default 2000 */
export const SOAK_ACTIONS = intEnv("SAFEGUARDS_SOAK_ACTIONS", 2000);
/** Actions of the fault-injection soak (`SAFEGUARDS_FAULT_ACTIONS`). @default SOAK_ACTIONS / 4, at least 400 */
export const FAULT_ACTIONS = intEnv(
  "SAFEGUARDS_FAULT_ACTIONS",
  Math.max(400, Math.floor(SOAK_ACTIONS / 4)),
);
/** fast-check runs per endpoint property (`SAFEGUARDS_FUZZ_RUNS`). @default 150 */
export const FUZZ_RUNS = intEnv("SAFEGUARDS_FUZZ_RUNS", 150);
/** Seed of the soak's random choices (`SAFEGUARDS_SOAK_SEED`), printed with the figures. */
export const SEED = intEnv("SAFEGUARDS_SOAK_SEED", (Date.now() % 2_000_000_000) + 1);

/** A small seeded PRNG (mulberry32): the same seed replays the same choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks one of `items` with `random`. */
export const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
