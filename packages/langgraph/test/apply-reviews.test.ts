import { AIMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { applyReviews } from "../src/apply-reviews.js";

describe("applyReviews", () => {
  const ai = new AIMessage({
    id: "ai-7",
    content: [{ type: "text", text: "Paying now." }],
    tool_calls: [
      { id: "a", name: "pay", args: { amount: "10.00" } },
      { id: "b", name: "pay", args: { amount: "20.00" } },
    ],
    additional_kwargs: {
      tool_calls: [{ id: "a", type: "function", function: { name: "pay", arguments: "{}" } }],
    },
  });

  it("replaces the AI message by id with the modified arguments and a note, raw provider calls dropped", () => {
    const [updated, ...rest] = applyReviews(ai, [
      {
        toolCallId: "a",
        name: "pay",
        decision: "modified",
        args: { amount: "5.00" },
        comments: "cap",
      },
      { toolCallId: "b", name: "pay", decision: "approved" },
    ]);
    expect(rest).toEqual([]);
    const message = updated as AIMessage;
    expect(message.id).toBe("ai-7");
    expect(message.tool_calls?.map((c) => c.args)).toEqual([
      { amount: "5.00" },
      { amount: "20.00" },
    ]);
    expect(message.additional_kwargs.tool_calls).toBeUndefined();
    const blocks = message.content as { type: string; text: string }[];
    expect(blocks[0]?.text).toBe("Paying now.");
    expect(blocks[1]?.text).toContain("changed the arguments of pay (call a)");
    expect(blocks[1]?.text).toContain("cap");
  });

  it("answers rejected and timed-out calls with error ToolMessages and leaves the AI message alone", () => {
    const out = applyReviews(ai, [
      { toolCallId: "a", name: "pay", decision: "rejected", reason: "nope" },
      { toolCallId: "b", name: "pay", decision: "timed_out", reason: "late" },
    ]);
    expect(
      out.map((m) => [m.getType(), (m as { tool_call_id?: string }).tool_call_id, m.content]),
    ).toEqual([
      ["tool", "a", "nope"],
      ["tool", "b", "late"],
    ]);
  });
});
