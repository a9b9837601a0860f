/**
 * @module tool-messages
 * What the model is told about a reviewed call: a ToolMessage (status "error") with the
 * reason when the call did not run, and the reviewer's note (core's `modificationNote`) put
 * before the result when a reviewer changed the arguments before it ran.
 */
import { ToolMessage } from "@langchain/core/messages";

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
