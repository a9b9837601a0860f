/**
 * @module bench/overhead
 * What the gateway costs an un-flagged `tools/call` over stdio: an SDK client calling the
 * payments server's `get_balance` and a 250.00 `transfer_funds` (its policy evaluated,
 * not flagged) straight over stdio, against the same calls through the gateway process
 * (client -> gateway -> upstream, both hops stdio), through a process that only copies
 * bytes (the floor of any extra hop), through one that parses and re-writes each JSON line
 * (the floor of any hop that reads MCP), and through the gateway with its fast path off. Measured side by side, interleaved
 * (`bench/compare.ts`). Run through `pnpm bench mcp-gateway`.
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { compare, fmt, median, ratioOf, ratioTable, verdict } from "../../../bench/compare.js";
import { PAYMENTS_SERVER, tsProcess } from "../test/support/gateway-fixture.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const GATEWAY = fileURLToPath(new URL("./stdio-gateway.ts", import.meta.url));
const RELAY = fileURLToPath(new URL("./stdio-relay.ts", import.meta.url));
const JSON_RELAY = fileURLToPath(new URL("./stdio-json-relay.ts", import.meta.url));

async function connect(file: string, args: string[] = []): Promise<Client> {
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ ...tsProcess(file, args), stderr: "ignore" }));
  return client;
}

/** Runs the comparison and returns the printed table. */
export async function run(): Promise<string> {
  const direct = await connect(PAYMENTS_SERVER);
  const gateway = await connect(GATEWAY);
  const relay = await connect(RELAY);
  const jsonRelay = await connect(JSON_RELAY);
  const sdkPath = await connect(GATEWAY, ["--no-fast-path"]);
  const balance = { name: "get_balance", arguments: {} };
  const transfer = { name: "transfer_funds", arguments: { amount: "250.00", to: "ACME" } };
  try {
    const samples = await compare(
      {
        directBalance: () => direct.callTool(balance),
        gatewayBalance: () => gateway.callTool(balance),
        relayBalance: () => relay.callTool(balance),
        jsonRelayBalance: () => jsonRelay.callTool(balance),
        sdkPathBalance: () => sdkPath.callTool(balance),
        directTransfer: () => direct.callTool(transfer),
        gatewayTransfer: () => gateway.callTool(transfer),
      },
      CALLS,
      ROUNDS,
      { clock: "wall" }, // the gateway and the upstream are other processes: latency is wall time
    );
    const s = samples as Record<string, number[]>;
    return ratioTable(
      `MCP gateway overhead, un-flagged tools/call over stdio (interleaved rounds of ${CALLS} calls (${ROUNDS} rounds); times: medians; ratios: medians of the per-round ratios)`,
      [
        ["get_balance straight to the upstream", fmt(median(s.directBalance!)), ""],
        [
          "get_balance through the gateway (policy false)",
          fmt(median(s.gatewayBalance!)),
          verdict(ratioOf(s.gatewayBalance!, s.directBalance!), 1.2),
        ],
        [
          "get_balance through the gateway, fast path off (the SDK's path)",
          fmt(median(s.sdkPathBalance!)),
          ratioOf(s.sdkPathBalance!, s.directBalance!).toFixed(3),
        ],
        [
          "get_balance through a byte relay (the extra hop's floor)",
          fmt(median(s.relayBalance!)),
          `${ratioOf(s.relayBalance!, s.directBalance!).toFixed(3)}; gateway over relay: ${ratioOf(s.gatewayBalance!, s.relayBalance!).toFixed(3)}`,
        ],
        [
          "get_balance through a JSON line relay (parse + stringify, no SDK)",
          fmt(median(s.jsonRelayBalance!)),
          `${ratioOf(s.jsonRelayBalance!, s.directBalance!).toFixed(3)}; gateway over it: ${ratioOf(s.gatewayBalance!, s.jsonRelayBalance!).toFixed(3)}`,
        ],
        ["transfer_funds 250.00 straight to the upstream", fmt(median(s.directTransfer!)), ""],
        [
          "transfer_funds 250.00 through the gateway (Decimal policy, not flagged)",
          fmt(median(s.gatewayTransfer!)),
          verdict(ratioOf(s.gatewayTransfer!, s.directTransfer!), 1.2),
        ],
      ],
      "wall",
    );
  } finally {
    await direct.close();
    await gateway.close();
    await relay.close();
    await jsonRelay.close();
    await sdkPath.close();
  }
}
