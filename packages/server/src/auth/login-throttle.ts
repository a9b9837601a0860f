/**
 * @module auth/login-throttle
 * Slows down password guessing. Failures are counted per name and client address together
 * (5 free), per client address (20 free, any names) and per name from all addresses (100
 * free); past its free failures a key is locked for 1 minute, doubling with each further
 * failure up to 15 minutes. A stranger's failures therefore lock the stranger, not the
 * reviewer signing in from elsewhere. Each attempt is counted as a failure before the slow
 * hash runs (parallel guesses get no extra tries) and given back when the password was
 * right. The counters live in the store's reviewer state, updated atomically, so the
 * failures on every instance sharing the database add up. An unlocked counter is forgotten
 * an hour after its last failure; the memory state is also bounded in number (a full table
 * drops unlocked counters, never a lock; when every counter is locked, attempts needing a
 * new one wait).
 */
import { isIPv6 } from "node:net";
import type { Clock } from "@safeguards/core";
import type { ReviewerStateStore, SignInCounter } from "../store/reviewer-state.js";

/** Failures allowed per key kind before the key is locked. */
export const FREE_ATTEMPTS = { pair: 5, address: 20, name: 100 } as const;
const BASE_LOCK_MS = 60_000;
const MAX_LOCK_MS = 15 * 60_000;
/** An unlocked counter is forgotten this long after its last failure. */
const FORGET_MS = 60 * 60_000;

/** Tracks failed sign-ins. */
export interface LoginThrottle {
  /**
   * Counts an attempt of `name` from `address` as a failure, before the password is checked.
   * Answers 0 (go ahead) or the milliseconds to wait (refused, nothing counted).
   */
  attempt(name: string, address: string): Promise<number>;
  /** The attempt's password was right: its failure is given back, the name's counts cleared. */
  succeeded(name: string, address: string): Promise<void>;
}

/** Options of {@link createLoginThrottle}. */
export interface LoginThrottleOptions {
  clock: Clock;
  /** Where the counters live (shared by the instances on one database). */
  state: ReviewerStateStore;
}

type Kind = keyof typeof FREE_ATTEMPTS;

/** The throttle's key of a client address: IPv4 as is, IPv6 by its /64 network. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/**
 * The three counter keys of an attempt. JSON, so a name with any character (a NUL, a line
 * break) is one unambiguous key a database can store.
 */
function keysOf(name: string, address: string): [[string, Kind], [string, Kind], [string, Kind]] {
  const addr = addressKey(address);
  return [
    [JSON.stringify(["pair", addr, name]), "pair"],
    [JSON.stringify(["address", addr]), "address"],
    [JSON.stringify(["name", name]), "name"],
  ];
}

/** Creates a {@link LoginThrottle}. */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { clock, state } = options;
  const failed = (counter: SignInCounter | undefined, kind: Kind, now: number) => {
    const failures = (counter?.failures ?? 0) + 1;
    const over = failures - FREE_ATTEMPTS[kind];
    const lockedUntil =
      over >= 0
        ? now + Math.min(BASE_LOCK_MS * 2 ** over, MAX_LOCK_MS)
        : (counter?.lockedUntil ?? 0);
    return { failures, lockedUntil, expiresAt: Math.max(lockedUntil, now + FORGET_MS) };
  };
  return {
    async attempt(name, address) {
      const now = clock.now();
      const ks = keysOf(name, address);
      const answer = await state.updateSignInCounters(
        ks.map(([k]) => k),
        now,
        (current) => {
          const wait = Math.max(0, ...ks.map(([k]) => (current.get(k)?.lockedUntil ?? 0) - now));
          if (wait > 0) return { result: wait, changes: new Map() };
          const changes = new Map(ks.map(([k, kind]) => [k, failed(current.get(k), kind, now)]));
          return { result: 0, changes };
        },
      );
      return answer === "full" ? BASE_LOCK_MS : answer;
    },
    async succeeded(name, address) {
      const [[pair], [addr], [byName]] = keysOf(name, address);
      await state.updateSignInCounters([pair, addr, byName], clock.now(), (current) => {
        const changes = new Map<string, SignInCounter | null>([
          [pair, null],
          [byName, null],
        ]);
        const entry = current.get(addr);
        if (entry) {
          const failures = entry.failures - 1;
          const lockedUntil = failures < FREE_ATTEMPTS.address ? 0 : entry.lockedUntil;
          changes.set(addr, failures <= 0 ? null : { ...entry, failures, lockedUntil });
        }
        return { result: undefined, changes };
      });
    },
  };
}
