/**
 * @module model-output
 * What the model reads as a guarded call's result: the tool's own `toModelOutput` (or the
 * AI SDK's default), with core's note about a reviewer's modification in front, so the
 * model knows that the call ran with other arguments than the ones it sent.
 */
import type { ToolResultPart } from "ai";

/** A tool result as the model reads it. */
type ToolResultOutput = ToolResultPart["output"];

/** The AI SDK's default model output (`createToolModelOutput` without `toModelOutput`, ai 7). */
export function defaultModelOutput(output: unknown): ToolResultOutput {
  if (typeof output === "string") return { type: "text", value: output };
  const json = output === undefined ? undefined : JSON.stringify(output);
  return { type: "json", value: json === undefined ? null : JSON.parse(json) };
}

/** `output` with `note` in front (text and JSON results become text; content gets a text part). */
export function withNote(output: ToolResultOutput, note: string): ToolResultOutput {
  switch (output.type) {
    case "text":
      return { ...output, value: `${note}\n${output.value}` };
    case "json":
      return { type: "text", value: `${note}\n${JSON.stringify(output.value)}` };
    case "content":
      return { ...output, value: [{ type: "text", text: note }, ...output.value] };
    default:
      return output;
  }
}
