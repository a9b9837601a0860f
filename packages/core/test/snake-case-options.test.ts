import { describe, expect, it } from "vitest";
import {
  Agent,
  EmailChannel,
  ErrorCode,
  FinancialServicesSafeguard,
  HumanInTheLoopChannel,
  InProcessApprovalChannel,
  isSafeguardsError,
  LoggingChannel,
  SlackChannel,
  TerminalApprovalChannel,
  WebhookChannel,
} from "../src/index.js";

class Bot extends Agent {
  run() {
    return null;
  }
}

/** Every public constructor's options object, given the guide's snake_case spelling. */
const constructors: Array<[string, () => unknown]> = [
  ["EmailChannel", () => new EmailChannel({ some_clock: 1 } as never)],
  ["SlackChannel", () => new SlackChannel({ some_clock: 1 } as never)],
  ["WebhookChannel", () => new WebhookChannel({ some_clock: 1 } as never)],
  ["LoggingChannel", () => new LoggingChannel({ some_clock: 1 } as never)],
  ["HumanInTheLoopChannel", () => new HumanInTheLoopChannel({ some_clock: 1 } as never)],
  ["InProcessApprovalChannel", () => new InProcessApprovalChannel({ some_clock: 1 } as never)],
  ["TerminalApprovalChannel", () => new TerminalApprovalChannel({ some_clock: 1 } as never)],
  ["FinancialServicesSafeguard", () => new FinancialServicesSafeguard({ some_clock: 1 } as never)],
  ["Agent", () => new Bot("bot", { some_clock: 1 } as never)],
];

describe("constructor options refuse snake_case keys, naming the camelCase one", () => {
  it.each(constructors)("%s", (name, make) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(isSafeguardsError(error, ErrorCode.INVALID_CONFIG)).toBe(true);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain('"someClock"');
  });
});
