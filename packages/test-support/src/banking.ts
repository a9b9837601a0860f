/**
 * @module banking
 * The banking fixture every adapter's tests share: the transfer's argument schema, its
 * policies (transfer_funds flagged above 1000.00, get_balance never), and the check of
 * the request a flagged 2500.00 transfer files.
 */
import { type ApprovalRequest, Decimal, definePolicies, type ToolPolicy } from "@safeguards/core";
import { expect } from "vitest";
import { z } from "zod";

/** transfer_funds' arguments: `amount` ("123.45", under 1000000.00) and `to`. */
export const transferArgsSchema = z.object({
  amount: z
    .string()
    .regex(/^\d+\.\d{2}$/, "amount must look like 123.45")
    // A refinement has no JSON Schema form: only the tool's own zod check sees it.
    .refine((v) => Number(v) < 1_000_000, "amount must be under 1000000.00"),
  to: z.string().min(1),
});

/** transfer_funds flagged above 1000.00 (with `extra`: timeout, approvers), get_balance never. */
export function bankingPolicies(
  extra: Pick<
    ToolPolicy,
    "timeoutSeconds" | "onTimeout" | "requiredApprovals" | "assignees" | "escalation"
  > = {},
) {
  return definePolicies({
    transfer_funds: {
      when: ({ args }) => new Decimal(String(args.amount)).gt("1000.00"),
      title: ({ args }) => `Approve $${String(args.amount)} transfer`,
      ...extra,
    },
    get_balance: false,
  });
}

/** Checks the request filed for transfer_funds({ amount: "2500.00", to: "ACME" }). */
export function expectTransferRequest(
  request: ApprovalRequest | undefined,
  expected: { agentId: string; toolCallId: string },
): void {
  expect(request?.title).toBe("Approve $2500.00 transfer");
  expect(request?.agentId).toBe(expected.agentId);
  expect(request?.action?.name).toBe("transfer_funds");
  expect(request?.action?.args).toEqual({ amount: "2500.00", to: "ACME" });
  expect(request?.argsHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(request?.metadata.tool_call_id).toBe(expected.toolCallId);
  const schema = request?.action?.argsSchema as { properties: Record<string, unknown> };
  expect(Object.keys(schema.properties)).toEqual(["amount", "to"]);
}

/** A tool call a scripted model makes (the adapters' `scriptedModel` takes a list of them). */
export interface ScriptedToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** The flagged call: transfer_funds({ amount: "2500.00", to: "ACME" }) under the call id `id`. */
export const transferCall = (id = "call_1"): ScriptedToolCall => ({
  id,
  name: "transfer_funds",
  input: { amount: "2500.00", to: "ACME" },
});

/** The flagged transfer (`t1`), then a get_balance (`b1`) that is never flagged. */
export const transferThenBalance = (): ScriptedToolCall[] => [
  transferCall("t1"),
  { id: "b1", name: "get_balance", input: {} },
];
