/**
 * @module test/reliability/callback-relay
 * Stands between the inbox and the agents' callback receivers: each callback is held for a
 * random delay, sometimes forwarded twice (duplicate delivery), and sometimes answered 500
 * after it was forwarded, so the inbox delivers it again. Routes `/cb/<n>` to receiver `n`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sleep } from "./reliability-env.js";

/** A running relay. */
export interface CallbackRelay {
  /** `callbackUrl` of receiver `n`. */
  urlFor(n: number): string;
  /** Sets where receiver `n` listens (`http://host:port`). */
  route(n: number, target: string): void;
  readonly stats: {
    received: number;
    duplicated: number;
    failedOnPurpose: number;
    delayedMs: number;
  };
  close(): Promise<void>;
}

/** Starts the relay. */
export async function startCallbackRelay(options: {
  random: () => number;
  maxDelayMs: number;
  duplicateRate: number;
  failRate: number;
}): Promise<CallbackRelay> {
  const routes = new Map<number, string>();
  const stats = { received: 0, duplicated: 0, failedOnPurpose: 0, delayedMs: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      stats.received += 1;
      const n = Number(/^\/cb\/(\d+)$/.exec(req.url ?? "")?.[1]);
      const target = routes.get(n);
      if (!target) return void res.writeHead(404).end();
      const headers: Record<string, string> = { "content-type": "application/json" };
      for (const h of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
        const v = req.headers[h];
        if (typeof v === "string") headers[h] = v;
      }
      const body = Buffer.concat(chunks);
      const delay = Math.floor(options.random() * options.maxDelayMs);
      stats.delayedMs += delay;
      await sleep(delay);
      const forward = () =>
        fetch(`${target}/`, { method: "POST", headers, body }).then(
          async (r) => {
            await r.text();
            return r.status;
          },
          () => 502,
        );
      const copies = options.random() < options.duplicateRate ? 2 : 1;
      if (copies === 2) stats.duplicated += 1;
      const statuses = await Promise.all(Array.from({ length: copies }, forward));
      if (options.random() < options.failRate) {
        stats.failedOnPurpose += 1;
        return void res.writeHead(500).end("relay failed on purpose");
      }
      res.writeHead(statuses[0] ?? 502).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    urlFor: (n) => `http://127.0.0.1:${port}/cb/${n}`,
    route: (n, target) => void routes.set(n, target),
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
