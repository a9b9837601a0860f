/**
 * @module inbox/callback-dispatcher
 * The undici `Agent` callbacks are sent through. Host names are resolved by the inbox's
 * lookup (injectable for tests and custom DNS) and, when only public addresses are allowed
 * (no `callbackUrls`), every address a name resolves to is checked before connecting: one
 * non-public address refuses the attempt, and the socket connects to an address that was
 * checked, so a name that passed at filing cannot be rebound to an internal address.
 */

import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { Agent } from "undici";
import { isPublicAddress } from "./public-address.js";

/** Resolves a callback host name to its addresses. @default `dns.promises.lookup(name, { all: true })` */
export type CallbackLookup = (hostname: string) => Promise<LookupAddress[]>;

/** Options of {@link createCallbackDispatcher}. */
export interface CallbackDispatcherOptions {
  /** Refuse names that resolve to any non-public address. */
  publicOnly: boolean;
  lookup?: CallbackLookup | undefined;
  /** Most connections to one origin (keep-alive ones included). @default unlimited */
  connectionsPerOrigin?: number | undefined;
}

type LookupCallback = (
  error: Error | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

const systemLookup: CallbackLookup = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

/** The `lookup` given to `net.connect`: resolves, refuses non-public addresses when asked. */
export function checkedLookup(options: CallbackDispatcherOptions) {
  const resolve = options.lookup ?? systemLookup;
  return (hostname: string, opts: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0)
          return callback(new Error(`callback host ${hostname} has no address`), []);
        const refused = options.publicOnly
          ? addresses.find((a) => !isPublicAddress(a.address))
          : undefined;
        if (refused)
          return callback(
            new Error(
              `callback host ${hostname} resolves to ${refused.address}, which is not a public address; nothing was sent (allow it with callbackUrls)`,
            ),
            [],
          );
        if (opts.all) return callback(null, addresses);
        const [first] = addresses as [LookupAddress];
        callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, []),
    );
  };
}

/** Creates the callbacks' undici {@link Agent} (close it with the inbox). */
export function createCallbackDispatcher(options: CallbackDispatcherOptions): Agent {
  return new Agent({
    connect: { lookup: checkedLookup(options) },
    ...(options.connectionsPerOrigin ? { connections: options.connectionsPerOrigin } : {}),
  });
}
