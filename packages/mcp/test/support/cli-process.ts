/**
 * The `safeguards-mcp` CLI as a child process this test spawns itself, so it can read the
 * exit code and stderr, with an SDK `Client` speaking MCP over the child's stdin/stdout
 * (what the SDK's `StdioClientTransport` does, minus the spawning).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { CLI, ROOT, tsProcess } from "./gateway-fixture.js";

/** An MCP transport over a spawned child's stdio. */
class ChildStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #buffer = new ReadBuffer();

  constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
  }

  async start(): Promise<void> {
    this.#child.stdout.on("data", (chunk: Buffer) => {
      this.#buffer.append(chunk);
      for (let m = this.#buffer.readMessage(); m !== null; m = this.#buffer.readMessage()) {
        this.onmessage?.(m);
      }
    });
    this.#child.on("close", () => this.onclose?.());
    this.#child.stdin.on("error", (error) => this.onerror?.(error));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#child.stdin.writable) this.#child.stdin.write(serializeMessage(message));
  }

  async close(): Promise<void> {
    this.#child.stdin.end();
  }
}

/** A spawned CLI: its exit code (once it exits), its stderr so far, and a client on it. */
export interface CliProcess {
  exited: Promise<number | null>;
  stderr: () => string;
  /** Connects `client` (set up beforehand, e.g. with request handlers) over the CLI's stdio. */
  connect(client: Client): Promise<Client>;
  kill(): void;
}

/** Spawns the CLI with `args` (cwd: the repository root; `env` added to PATH). */
export function spawnCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const { command, args: nodeArgs } = tsProcess(CLI, args);
  const child = spawn(command, nodeArgs, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return {
    exited,
    stderr: () => stderr,
    async connect(client) {
      await client.connect(new ChildStdioTransport(child));
      return client;
    },
    kill: () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
