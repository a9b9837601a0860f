/**
 * @module cli/approval-handler
 * The `HumanActionHandler` the CLI files flagged calls with: through the inbox
 * (`--inbox URL --api-key KEY`) or asked at this terminal (`--approve-in-terminal`). The
 * terminal is `/dev/tty`, never stdin/stdout, which carry MCP when serving over stdio.
 */
import { openSync } from "node:fs";
import { ReadStream, WriteStream } from "node:tty";
import {
  HumanActionHandler,
  HumanInTheLoopChannel,
  InvalidConfigError,
  TerminalApprovalChannel,
} from "@safeguards/core";

/** Where the CLI asks. */
export type ApprovalTarget = { inbox: string; apiKey: string } | { terminal: true };

/** A handler and how to stop it. */
export interface CliHandler {
  handler: HumanActionHandler;
  shutdown(): Promise<void>;
}

/** Builds the handler for `target`. */
export async function approvalHandler(target: ApprovalTarget): Promise<CliHandler> {
  const onError = (error: unknown) => console.error("[safeguards-mcp]", error);
  if ("inbox" in target) {
    const channel = new HumanInTheLoopChannel();
    await channel.initialize({ webhookUrl: target.inbox, apiKey: target.apiKey });
    return withHandler(channel, onError);
  }
  const { input, output } = openTerminal();
  const channel = new TerminalApprovalChannel({ input, output });
  await channel.initialize({});
  return withHandler(channel, onError, () => {
    input.destroy();
    output.destroy();
  });
}

function withHandler(
  channel: HumanInTheLoopChannel | TerminalApprovalChannel,
  onError: (error: unknown) => void,
  after: () => void = () => undefined,
): CliHandler {
  const handler = new HumanActionHandler(channel, { onError });
  return {
    handler,
    shutdown: async () => {
      handler.shutdown();
      await channel.shutdown();
      after();
    },
  };
}

function openTerminal(): { input: ReadStream; output: WriteStream } {
  try {
    return {
      input: new ReadStream(openSync("/dev/tty", "r")),
      output: new WriteStream(openSync("/dev/tty", "w")),
    };
  } catch (error) {
    throw new InvalidConfigError(
      `--approve-in-terminal needs a terminal (/dev/tty could not be opened: ${error instanceof Error ? error.message : String(error)})`,
    );
  }
}
