/**
 * @module auth/login-throttle
 * Slows down password guessing, in memory. Failures are counted per name and client address
 * together (5 free), per client address (20 free, any names) and per name from all
 * addresses (100 free); past its free failures a key is locked for 1 minute, doubling with
 * each further failure up to 15 minutes. A stranger's failures therefore lock the stranger,
 * not the reviewer signing in from elsewhere. Each attempt is counted as a failure before
 * the slow hash runs (parallel guesses get no extra tries) and given back when the password
 * was right. Memory is bounded: a full table drops unlocked entries (those that never
 * reached their limit first), never a lock; when every entry is locked, attempts needing
 * a new entry wait.
 */
import { isIPv6 } from "node:net";
import type { Clock } from "@safeguards/core";

/** Failures allowed per key kind before the key is locked. */
export const FREE_ATTEMPTS = { pair: 5, address: 20, name: 100 } as const;
const BASE_LOCK_MS = 60_000;
const MAX_LOCK_MS = 15 * 60_000;
/** An unlocked entry is forgotten this long after its last failure. */
const FORGET_MS = 60 * 60_000;

/** Tracks failed sign-ins. */
export interface LoginThrottle {
  /**
   * Counts an attempt of `name` from `address` as a failure, before the password is checked.
   * Answers 0 (go ahead) or the milliseconds to wait (refused, nothing counted).
   */
  attempt(name: string, address: string): number;
  /** The attempt's password was right: its failure is given back, the name's counts cleared. */
  succeeded(name: string, address: string): void;
}

/** Options of {@link createLoginThrottle}. */
export interface LoginThrottleOptions {
  clock: Clock;
  /** Most entries kept. @default 100000 */
  maxEntries?: number;
}

type Kind = keyof typeof FREE_ATTEMPTS;
interface Entry {
  kind: Kind;
  failures: number;
  until: number;
  last: number;
}

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

/** Creates a {@link LoginThrottle}. */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { clock } = options;
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, Entry>(); // oldest last failure first
  const keys = (
    name: string,
    address: string,
  ): [[string, Kind], [string, Kind], [string, Kind]] => {
    const addr = addressKey(address);
    return [
      [`p\n${addr}\n${name}`, "pair"],
      [`a\n${addr}`, "address"],
      [`n\n${name}`, "name"],
    ];
  };
  /**
   * Frees `needed` slots, never taking a lock or the attempt's own keys: first entries
   * that never reached their limit, then the oldest unlocked ones.
   */
  const makeRoom = (needed: number, now: number, own: string[]) => {
    for (const pass of [(e: Entry) => e.failures < FREE_ATTEMPTS[e.kind], () => true]) {
      for (const [key, e] of entries) {
        if (entries.size + needed <= maxEntries) return true;
        if (e.until <= now && pass(e) && !own.includes(key)) entries.delete(key);
      }
    }
    return entries.size + needed <= maxEntries;
  };
  const prune = (now: number) => {
    for (const [key, e] of entries) {
      if (e.last + FORGET_MS > now) break; // the rest failed more recently
      if (e.until <= now) entries.delete(key);
    }
  };
  return {
    attempt(name, address) {
      const now = clock.now();
      prune(now);
      const ks = keys(name, address);
      const wait = Math.max(0, ...ks.map(([k]) => (entries.get(k)?.until ?? 0) - now));
      if (wait > 0) return wait;
      const fresh = ks.filter(([k]) => !entries.has(k)).length;
      const own = ks.map(([k]) => k);
      if (fresh > 0 && !makeRoom(fresh, now, own)) return BASE_LOCK_MS;
      for (const [key, kind] of ks) {
        const entry = entries.get(key) ?? { kind, failures: 0, until: 0, last: now };
        entry.failures += 1;
        entry.last = now;
        const over = entry.failures - FREE_ATTEMPTS[kind];
        if (over >= 0) entry.until = now + Math.min(BASE_LOCK_MS * 2 ** over, MAX_LOCK_MS);
        entries.delete(key);
        entries.set(key, entry); // most recent last
      }
      return 0;
    },
    succeeded(name, address) {
      const [[pair], [addr], [byName]] = keys(name, address);
      entries.delete(pair);
      entries.delete(byName);
      const entry = entries.get(addr);
      if (!entry) return;
      entry.failures -= 1;
      if (entry.failures < FREE_ATTEMPTS.address) entry.until = 0;
      if (entry.failures <= 0) entries.delete(addr);
    },
  };
}
