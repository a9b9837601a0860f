/**
 * @module tool-messages
 * What the model is told about a reviewed call: a ToolMessage (status "error") with the
 * reason when the call did not run, and a note on the result when a reviewer changed the
 * arguments before it ran.
 */
import { ToolMessage } from "@langchain/core/messages";
import type { JsonObject } from "@safeguards/core";

/** A ToolMessage (status "error") telling the model that the call did not run, and why. */
export function refusalMessage(
  toolCall: { id?: string | undefined; name: string },
  reason: string,
): ToolMessage {
  return new ToolMessage({
    content: reason,
    tool_call_id: toolCall.id ?? "",
    name: toolCall.name,
    status: "error",
  });
}

/** The note the model gets when a reviewer changed the arguments before the call ran. */
export function modificationNote(
  original: JsonObject,
  approved: JsonObject,
  review: { reviewer?: string | null; comments?: string | null } = {},
): string {
  const changes = Object.keys(approved)
    .filter((k) => JSON.stringify(original[k]) !== JSON.stringify(approved[k]))
    .map((k) => `${k}: ${JSON.stringify(original[k])} -> ${JSON.stringify(approved[k])}`);
  const who = review.reviewer ? ` (${review.reviewer})` : "";
  const why = review.comments ? ` Reviewer's comment: ${review.comments}` : "";
  return `[A human reviewer${who} changed the arguments before this call ran: ${changes.join(", ") || "no visible change"}.${why}]`;
}

/** Puts `note` before the text content of a tool result (string or ToolMessage). */
export function withNote<T>(result: T, note: string): T {
  if (typeof result === "string") return `${note}\n${result}` as T;
  if (ToolMessage.isInstance(result)) {
    const content = result.content;
    const annotated =
      typeof content === "string"
        ? `${note}\n${content}`
        : [{ type: "text" as const, text: note }, ...content];
    return new ToolMessage({
      content: annotated as ToolMessage["content"],
      tool_call_id: result.tool_call_id,
      name: result.name,
      status: result.status,
      artifact: result.artifact,
      id: result.id,
      additional_kwargs: result.additional_kwargs,
      response_metadata: result.response_metadata,
      metadata: result.metadata,
    }) as T;
  }
  return result;
}
