/**
 * The core README's OpenTelemetry snippet, as written there: the Node SDK registered with a
 * console exporter prints the `safeguards.action` span of an approved action.
 */
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import {
  ActionStatus,
  HumanActionHandler,
  InProcessApprovalChannel,
  TelemetryNames,
} from "@safeguards/core";
import { afterAll, expect, it, vi } from "vitest";

afterAll(() => {
  trace.disable();
  metrics.disable();
  context.disable();
  propagation.disable();
});

it("prints the safeguards.action span with the README's snippet", async () => {
  const printed: unknown[] = [];
  vi.spyOn(console, "dir").mockImplementation((value) => void printed.push(value));
  // --- the README snippet ---
  const provider = new NodeTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())],
  });
  provider.register(); // also the AsyncLocalStorage context manager and W3C propagation
  // ---
  const channel = new InProcessApprovalChannel();
  const handler = new HumanActionHandler(channel);
  const action = await handler.requestAction({
    title: "Transfer",
    description: "Move money",
    agentId: "bank-bot",
    action: { name: "transfer_funds", args: { amount: "2500.00" } },
  });
  channel.approve(action.id, { reviewer: "alice" });
  await expect(handler.waitForAction(action)).resolves.toBe(ActionStatus.APPROVED);
  await provider.forceFlush();
  const span = printed.find((p) => (p as { name?: string }).name === TelemetryNames.SPAN_ACTION) as
    | { attributes: Record<string, unknown> }
    | undefined;
  expect(span?.attributes).toMatchObject({
    "safeguards.action.status": "approved",
    "safeguards.tool.name": "transfer_funds",
    "safeguards.reviewer": "alice",
  });
  handler.shutdown();
  await provider.shutdown();
});
