/**
 * @module in-client-approvals
 * Approval by the person at the MCP client, through elicitation (`elicitation/create`), for
 * one-person setups. The call is filed with a `HumanActionHandler` on an in-process channel
 * like any other, so the policy's timeout, `onTimeout`, allowed decisions and the check of
 * a modification are core's; only the question is asked in the client. This asks the same
 * person who prompted the model: it is a confirmation, not a second person's review.
 */

import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ErrorCode, McpError, type RequestId } from "@modelcontextprotocol/sdk/types.js";
import {
  ActionExpiredError,
  AlreadyDecidedError,
  type ApprovalRequest,
  type Clock,
  type DecisionType,
  HumanActionHandler,
  InProcessApprovalChannel,
  type JsonObject,
} from "@safeguards/core";
import { approvalForm, decisionOf } from "./approval-form.js";

/** The policy `channel` that asks the person at the client (when the client can be asked). */
export const IN_CLIENT_CHANNEL = "elicitation";

/** The reviewer recorded on decisions made in the client. */
export const IN_CLIENT_REVIEWER = "mcp-client-user";

/** Whom to ask about one action. */
export interface Asker {
  server: Server;
  relatedRequestId: RequestId;
  allowed: DecisionType[];
  args: JsonObject;
  /** How long the question may stay open (the action's own deadline ends the wait anyway). */
  timeoutMs: number;
  signal: AbortSignal;
}

/** True when the client connected to `server` declared the elicitation capability. */
export function canElicit(server: Server): boolean {
  return server.getClientCapabilities()?.elicitation !== undefined;
}

/** The handler and channel of in-client approvals, shared by every client session. */
export class InClientApprovals {
  readonly channel: InProcessApprovalChannel;
  readonly handler: HumanActionHandler;
  readonly #askers = new Map<string, Asker>();

  constructor(options: { clock: Clock; onError: (error: unknown) => void }) {
    this.channel = new InProcessApprovalChannel({ clock: options.clock });
    this.handler = new HumanActionHandler(this.channel, {
      clock: options.clock,
      onError: options.onError,
    });
    this.channel.onRequest((request) => {
      const asker = this.#askers.get(request.id);
      if (asker) void this.#ask(request, asker);
    });
  }

  /** Asks `asker` about the action with id `id` once it is filed; returns the undo. */
  register(id: string, asker: Asker): () => void {
    this.#askers.set(id, asker);
    return () => this.#askers.delete(id);
  }

  /** Ends every wait. */
  shutdown(): void {
    this.handler.shutdown();
    this.channel.shutdown();
  }

  async #ask(request: ApprovalRequest, asker: Asker): Promise<void> {
    let answer: Awaited<ReturnType<Server["elicitInput"]>>;
    try {
      answer = await asker.server.elicitInput(approvalForm(request, asker.allowed), {
        relatedRequestId: asker.relatedRequestId,
        signal: asker.signal,
        timeout: asker.timeoutMs,
      });
    } catch (error) {
      // Cancelled or timed out: the action's own cancellation or deadline settles it.
      if (asker.signal.aborted || isTimeout(error)) return;
      this.#decide(request.id, () =>
        this.channel.reject(request.id, {
          reviewer: IN_CLIENT_REVIEWER,
          comments: `The approval in the MCP client failed (${error instanceof Error ? error.message : String(error)}), so the call was not run.`,
        }),
      );
      return;
    }
    const decision = decisionOf(answer, asker.args, asker.allowed);
    const by = { reviewer: IN_CLIENT_REVIEWER };
    this.#decide(request.id, () => {
      if (decision.type === "approve") {
        return this.channel.approve(request.id, { ...by, ...comments(decision.comments) });
      }
      if (decision.type === "modify") {
        return this.channel.modify(request.id, decision.changes, {
          ...by,
          ...comments(decision.comments),
        });
      }
      return this.channel.reject(request.id, { ...by, comments: decision.comments });
    });
  }

  /**
   * Records the person's decision. One the channel refuses (an edit that breaks the tool's
   * schema) becomes a rejection that says why, so the call never waits for nobody; one
   * that comes too late (the action timed out or was cancelled) changes nothing.
   */
  #decide(id: string, decide: () => unknown): void {
    try {
      decide();
    } catch (error) {
      if (error instanceof AlreadyDecidedError || error instanceof ActionExpiredError) return;
      const why = error instanceof Error ? error.message : String(error);
      try {
        this.channel.reject(id, {
          reviewer: IN_CLIENT_REVIEWER,
          comments: `The answer in the MCP client could not be used (${why}), so the call was not run.`,
        });
      } catch {
        // decided meanwhile: the first decision won
      }
    }
  }
}

function comments(text: string | undefined): { comments?: string } {
  return text === undefined ? {} : { comments: text };
}

function isTimeout(error: unknown): boolean {
  return error instanceof McpError && error.code === ErrorCode.RequestTimeout;
}
