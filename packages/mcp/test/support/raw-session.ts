/**
 * A client session that writes raw JSON-RPC lines to a gateway's SDK stdio transport and
 * reads what comes back, for tests that craft messages no SDK client would send (duplicate
 * keys, `__proto__`, spoofed ids).
 */
import { PassThrough } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { eventually } from "@safeguards/test-support";
import type { ApprovalGateway } from "../../src/index.js";

/** One message the gateway sent the raw client. */
export type RawMessage = {
  id?: unknown;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
};

/** Connects a raw session to a new server of `gateway` and initializes it. */
export async function rawSession(gateway: ApprovalGateway) {
  const input = new PassThrough();
  const output = new PassThrough();
  const received: RawMessage[] = [];
  let buffer = "";
  output.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    for (let at = buffer.indexOf("\n"); at >= 0; at = buffer.indexOf("\n")) {
      received.push(JSON.parse(buffer.slice(0, at)) as RawMessage);
      buffer = buffer.slice(at + 1);
    }
  });
  await gateway.createServer().connect(new StdioServerTransport(input, output));
  const send = (line: string) => input.write(`${line}\n`);
  /** The answer to request `id` (waits for it). */
  const answer = async (id: unknown): Promise<RawMessage> => {
    const find = () => received.find((m) => m.method === undefined && m.id === id);
    await eventually(() => find() !== undefined);
    return find() as RawMessage;
  };
  send(
    JSON.stringify({
      jsonrpc: "2.0",
      id: "init",
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw", version: "1" },
      },
    }),
  );
  await answer("init");
  send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  /** Sends a `tools/call` whose params are written as `paramsJson` (any bytes) and waits for its answer. */
  const call = async (id: string | number, paramsJson: string): Promise<RawMessage> => {
    send(
      `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"tools/call","params":${paramsJson}}`,
    );
    return answer(id);
  };
  return { send, answer, call, received, close: () => input.end() };
}

/** The request the payments server's `echo_request` saw (its id, `_meta` and arguments). */
export function echoed(message: object): {
  id: unknown;
  meta: Record<string, unknown> | null;
  args: Record<string, unknown>;
} {
  const result = ("result" in message ? (message as RawMessage).result : message) as {
    content: { text: string }[];
  };
  return JSON.parse(result.content[0]?.text ?? "null");
}
