/**
 * @module in-process-approvals
 * An in-process approval channel and a handler on a manual clock, with a scripted
 * reviewer: what the adapters' tests (LangChain, AI SDK) decide their calls with.
 */
import {
  type ApprovalRequest,
  createManualClock,
  HumanActionHandler,
  InProcessApprovalChannel,
  type InProcessApprovalChannelOptions,
} from "@safeguards/core";

/**
 * An in-process channel (with `reviewers` and their groups, if given), a handler on a manual
 * clock, and the requests filed so far.
 */
export function approvals(options: Pick<InProcessApprovalChannelOptions, "reviewers"> = {}) {
  const clock = createManualClock(Date.parse("2026-11-29T12:00:00Z"));
  const channel = new InProcessApprovalChannel({ clock, ...options });
  const handler = new HumanActionHandler(channel, { clock, onError: () => {} });
  const requests: ApprovalRequest[] = [];
  channel.onRequest((request) => requests.push(request));
  /** Calls `decide` for each new request, after the handler has started waiting. */
  const reviewer = (decide: (request: ApprovalRequest) => void) =>
    channel.onRequest((request) => setImmediate(() => decide(request)));
  return { clock, channel, handler, requests, reviewer };
}
