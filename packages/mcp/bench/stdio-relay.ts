/**
 * The floor of any extra stdio hop, for the bench: a process that starts the payments
 * upstream and copies bytes both ways without reading MCP at all.
 */
import { spawn } from "node:child_process";
import { PAYMENTS_SERVER, tsProcess } from "../test/support/gateway-fixture.js";

const { command, args, cwd } = tsProcess(PAYMENTS_SERVER);
const child = spawn(command, args, { cwd, stdio: ["pipe", "pipe", "ignore"] });
process.stdin.pipe(child.stdin);
child.stdout.pipe(process.stdout);
process.stdin.on("end", () => child.kill());
child.on("exit", () => process.exit(0));
