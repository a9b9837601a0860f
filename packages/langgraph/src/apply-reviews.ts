/**
 * @module apply-reviews
 * Turns the reviewers' outcomes into message updates: rejected and timed-out calls get a
 * ToolMessage (status "error", the reason), modified calls get their new arguments on the
 * AI message (replaced by id, with a note to the model), approved calls are left to the
 * tool node.
 */
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { notRunReason, type ReviewOutcome } from "@safeguards/core/interrupts";

/** The last AI message in `messages`, if any. */
export function lastAiMessage(messages: readonly BaseMessage[]): AIMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (AIMessage.isInstance(message)) return message;
  }
  return undefined;
}

/** Ids of tool calls that already have a ToolMessage after `ai` in `messages`. */
export function answeredCallIds(messages: readonly BaseMessage[], ai: AIMessage): Set<string> {
  const answered = new Set<string>();
  const start = messages.indexOf(ai);
  for (const message of messages.slice(start + 1)) {
    if (ToolMessage.isInstance(message)) answered.add(message.tool_call_id);
  }
  return answered;
}

/** The messages to write for `outcomes`: the replaced AI message (if any) and ToolMessages. */
export function applyReviews(ai: AIMessage, outcomes: readonly ReviewOutcome[]): BaseMessage[] {
  const updates: BaseMessage[] = [];
  const modified = outcomes.filter((o) => o.decision === "modified" && o.args);
  if (modified.length > 0) updates.push(replaceArgs(ai, modified));
  for (const outcome of outcomes) {
    if (outcome.decision !== "rejected" && outcome.decision !== "timed_out") continue;
    updates.push(
      new ToolMessage({
        tool_call_id: outcome.toolCallId,
        name: outcome.name,
        status: "error",
        content: outcome.reason ?? notRunReason(outcome),
      }),
    );
  }
  return updates;
}

function replaceArgs(ai: AIMessage, modified: readonly ReviewOutcome[]): AIMessage {
  const byId = new Map(modified.map((o) => [o.toolCallId, o]));
  const toolCalls = (ai.tool_calls ?? []).map((call) => {
    const change = call.id ? byId.get(call.id) : undefined;
    return change?.args ? { ...call, args: change.args } : call;
  });
  const notes = modified.map((o) => {
    const who = o.reviewer ? ` ${o.reviewer}` : "";
    const why = o.comments ? ` Reason: ${o.comments}` : "";
    return `[safeguards] Human reviewer${who} changed the arguments of ${o.name} (call ${o.toolCallId}) before it ran; it runs with ${JSON.stringify(o.args)}.${why}`;
  });
  const { tool_calls: _raw, ...kwargs } = ai.additional_kwargs ?? {};
  const content =
    typeof ai.content === "string"
      ? [ai.content, ...notes].filter((t) => t.length > 0).join("\n\n")
      : [...ai.content, ...notes.map((note) => ({ type: "text" as const, text: note }))];
  return new AIMessage({
    ...(ai.id !== undefined ? { id: ai.id } : {}),
    ...(ai.name !== undefined ? { name: ai.name } : {}),
    content,
    tool_calls: toolCalls,
    invalid_tool_calls: ai.invalid_tool_calls ?? [],
    additional_kwargs: kwargs,
    response_metadata: ai.response_metadata ?? {},
    ...(ai.usage_metadata ? { usage_metadata: ai.usage_metadata } : {}),
  });
}
