/**
 * @module agent
 * The abstract base of an agent that safeguards watch, as in the guide.
 */
import { ErrorCode, SafeguardsError } from "../errors.js";
import { refuseSnakeCaseKeys } from "../util/config.js";

/** Options of {@link Agent}. */
export interface AgentOptions {
  /** A stable id, when it should differ from the name. @default the name */
  id?: string;
}

/**
 * An agent: something with a name that runs with arguments.
 *
 * ```ts
 * class FinancialAgent extends Agent {
 *   run(args: Record<string, unknown>) { return { success: true, ...args }; }
 * }
 * new FinancialAgent("financial_advisor").id; // "financial_advisor"
 * ```
 */
export abstract class Agent<Args = Record<string, unknown>, Result = unknown> {
  /** The id safeguards key limits and alerts by; defaults to the name. */
  readonly id: string;
  /** A human-readable name. */
  readonly name: string;

  constructor(name: string, options: AgentOptions = {}) {
    refuseSnakeCaseKeys("Agent", options);
    if (typeof name !== "string" || name.trim() === "") {
      throw new SafeguardsError(
        ErrorCode.INVALID_ARGUMENT,
        "Agent name must be a non-empty string",
      );
    }
    const id = options.id ?? name;
    if (typeof id !== "string" || id.trim() === "") {
      throw new SafeguardsError(ErrorCode.INVALID_ARGUMENT, "Agent id must be a non-empty string");
    }
    this.name = name;
    this.id = id;
  }

  /** Does the agent's work. */
  abstract run(args: Args): Result | Promise<Result>;
}
