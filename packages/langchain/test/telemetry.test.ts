/**
 * OpenTelemetry inside a LangChain agent run: the `safeguards.action` span of a guarded tool
 * call is a child of the span active around `agent.invoke` (the context survives LangChain's
 * own async machinery), and carries the tool, the final status and the reviewer.
 */
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { context, trace } from "@opentelemetry/api";
import { TelemetryNames as N } from "@safeguards/core";
import { otelPerFile } from "@safeguards/test-support/otel";
import { createAgent } from "langchain";
import { describe, expect, it } from "vitest";
import { approvalMiddleware } from "../src/index.js";
import { approvals, bankingPolicies, bankingTools } from "./support/banking.js";

const otel = otelPerFile();

async function runAgent(decide: "approve" | "reject") {
  const { transferFunds, getBalance, ran } = bankingTools();
  const kit = approvals();
  kit.reviewer((r) =>
    decide === "approve"
      ? kit.channel.approve(r.id, { reviewer: "bob" })
      : kit.channel.reject(r.id, { reviewer: "bob", comments: "no" }),
  );
  const call = { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" }, id: "t1" };
  const agent = createAgent({
    model: fakeModel().respondWithTools([call]).respond(new AIMessage("done")),
    tools: [transferFunds, getBalance],
    middleware: [
      approvalMiddleware({ policies: bankingPolicies(), handler: kit.handler, mode: "wait" }),
    ],
  });
  const runSpan = trace.getTracer("test").startSpan("agent run");
  await context.with(trace.setSpan(context.active(), runSpan), () =>
    agent.invoke({ messages: [new HumanMessage("pay")] }),
  );
  runSpan.end();
  return { runSpan, ran };
}

describe("OpenTelemetry inside a LangChain agent run", () => {
  it.each(["approve", "reject"] as const)(
    "%s: safeguards.action is a child of the run's span",
    async (decide) => {
      const { runSpan, ran } = await runAgent(decide);
      expect(ran).toHaveLength(decide === "approve" ? 1 : 0);
      const spans = otel.spans(N.SPAN_ACTION);
      expect(spans).toHaveLength(1);
      const [span] = spans;
      expect(span?.spanContext().traceId).toBe(runSpan.spanContext().traceId);
      expect(span?.parentSpanContext?.spanId).toBe(runSpan.spanContext().spanId);
      expect(span?.attributes).toMatchObject({
        [N.TOOL_NAME]: "transfer_funds",
        [N.ACTION_STATUS]: decide === "approve" ? "approved" : "rejected",
        [N.REVIEWER]: "bob",
      });
    },
  );
});
