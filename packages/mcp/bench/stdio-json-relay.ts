/**
 * The floor of a relay that reads MCP, for the bench: a process that starts the payments
 * upstream and passes each JSON-RPC line both ways after `JSON.parse` and `JSON.stringify`
 * (what any gateway that looks at a message's method, name and arguments must do at least),
 * with no SDK, no schema check and no policy.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { PAYMENTS_SERVER, tsProcess } from "../test/support/gateway-fixture.js";

const { command, args, cwd } = tsProcess(PAYMENTS_SERVER);
const child = spawn(command, args, { cwd, stdio: ["pipe", "pipe", "ignore"] });
const relay = (from: NodeJS.ReadableStream, to: NodeJS.WritableStream) =>
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    to.write(`${JSON.stringify(JSON.parse(line))}\n`);
  });
relay(process.stdin, child.stdin);
relay(child.stdout, process.stdout);
process.stdin.on("end", () => child.kill());
child.on("exit", () => process.exit(0));
