/**
 * @module test/reliability/net-faults
 * Network fault injectors on 127.0.0.1:
 * - {@link startTcpBalancer}: a TCP load balancer in front of the inbox instances (round
 *   robin, fails over to the next instance when one refuses connections) whose `cut()` drops
 *   every open connection, e.g. agents' long polls mid-wait;
 * - {@link startLossyFront}: an HTTP front that sometimes forwards a filing and then loses
 *   the answer (503), so the client retries a request the inbox already stored.
 */
import { createServer, Agent as HttpAgent, request as httpRequest } from "node:http";
import type { AddressInfo, Server, Socket } from "node:net";
import { connect, createServer as createTcpServer } from "node:net";

/** A running TCP balancer. */
export interface TcpBalancer {
  port: number;
  /** Drops every open connection (both sides); answers how many. */
  cut(): number;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
};

/** Starts a TCP balancer over the ports `targets()` answers at each new connection. */
export async function startTcpBalancer(targets: () => number[]): Promise<TcpBalancer> {
  const open = new Set<Socket>();
  let turn = 0;
  let accepted = 0;
  const server = createTcpServer((client) => {
    accepted += 1;
    client.pause();
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => client.destroy());
    const ports = targets();
    const start = turn++;
    const attempt = (n: number) => {
      const port = ports[(start + n) % ports.length];
      if (port === undefined || n >= ports.length || client.destroyed) {
        client.destroy();
        return;
      }
      const upstream = connect({ port, host: "127.0.0.1" });
      let connected = false;
      upstream.once("error", () => {
        upstream.destroy();
        if (connected) client.destroy();
        else attempt(n + 1);
      });
      upstream.once("connect", () => {
        connected = true;
        open.add(upstream);
        upstream.on("close", () => {
          open.delete(upstream);
          client.destroy();
        });
        upstream.on("error", () => client.destroy());
        client.on("close", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  const port = await listen(server);
  return {
    port,
    get accepted() {
      return accepted;
    },
    cut() {
      const n = open.size;
      for (const socket of open) socket.destroy();
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A running lossy HTTP front. */
export interface LossyFront {
  url: string;
  /** Answers that were lost after the inbox handled the request. */
  readonly lost: number;
  close(): Promise<void>;
}

/**
 * Starts an HTTP front for the inbox at `target` (its `/api` URL). A `POST
 * /request-approval` is, with probability `loseRate`, forwarded and answered by the inbox,
 * but the front then answers 503 instead: the client must retry without filing twice.
 */
export async function startLossyFront(options: {
  target: string;
  random: () => number;
  loseRate: number;
}): Promise<LossyFront> {
  const target = new URL(options.target);
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  let lost = 0;
  const server = createServer((req, res) => {
    const lose =
      req.method === "POST" && req.url?.endsWith("/request-approval") === true
        ? options.random() < options.loseRate
        : false;
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
        agent,
      },
      (up) => {
        if (!lose) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        up.resume();
        up.on("end", () => {
          lost += 1;
          res
            .writeHead(503, { "content-type": "application/json" })
            .end(JSON.stringify({ error: { code: "unavailable", message: "answer lost" } }));
        });
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    get lost() {
      return lost;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
