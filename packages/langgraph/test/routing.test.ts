import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { END } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { hasPendingToolCalls, routeAfterApproval, routeAfterModel } from "../src/routing.js";

const ai = new AIMessage({
  content: "",
  id: "ai-1",
  tool_calls: [
    { id: "a", name: "t", args: {} },
    { id: "b", name: "t", args: {} },
  ],
});
const answer = (id: string) =>
  new ToolMessage({ tool_call_id: id, content: "no", status: "error" });

describe("routing", () => {
  it("sends a model turn with tool calls to the approval node, else to the end", () => {
    const route = routeAfterModel();
    expect(route({ messages: [new HumanMessage("x"), ai] })).toBe("approval");
    expect(route({ messages: [new HumanMessage("x"), new AIMessage("hi")] })).toBe(END);
    expect(
      routeAfterModel({ approval: "review", end: "summary" })({ messages: [new AIMessage("hi")] }),
    ).toBe("summary");
  });

  it("sends to the tools while a call has no ToolMessage, else back to the model", () => {
    const route = routeAfterApproval({ tools: "run", model: "llm" });
    expect(route({ messages: [ai, answer("a")] })).toBe("run");
    expect(route({ messages: [ai, answer("a"), answer("b")] })).toBe("llm");
    expect(hasPendingToolCalls([ai, answer("b"), answer("a")])).toBe(false);
  });
});
