/**
 * @module adopt-filed
 * Picks up an action filed earlier under a deterministic id instead of filing a second one:
 * by this handler (a retry), or through the channel by another process with the same agent
 * credential (a stored run restored and resumed elsewhere; the inbox shows an action only to
 * the key that filed it). The action is used only when it asks about the same call: same
 * agent, tool and exact arguments. (What its decision lets run is still checked by
 * `resolveOutcome` and the adapter, e.g. a modification where none can run is refused.)
 */
import type { HumanAction } from "../actions/human-action.js";
import type { HumanActionHandler, RequestActionInput } from "../actions/human-action-handler.js";
import { ErrorCode, isSafeguardsError, SafeguardsError } from "../errors.js";
import { hashArgs, type JsonObject } from "../util/json.js";

/** The call an adopted action must be about. */
export interface ExpectedCall {
  agentId: string;
  toolName: string;
  args: JsonObject;
}

/**
 * Files `input` under its deterministic `id`, or picks up the action filed under it before:
 * the handler's own, or, when the channel refuses the filing (the inbox answers 409 to the
 * same id with another body, e.g. its own expiry), the channel's record of it. Either is
 * checked with {@link assertSameCall}. Throws the filing's error when there is none.
 */
export async function fileOrAdopt(
  handler: HumanActionHandler,
  input: RequestActionInput & { id: string },
  expected: ExpectedCall,
): Promise<HumanAction> {
  const known = handler.getAction(input.id);
  if (known) return assertSameCall(known, expected);
  try {
    return await handler.requestAction(input);
  } catch (error) {
    const filed = await adoptFiled(handler, input.id).catch(() => undefined);
    if (!filed) throw error;
    return assertSameCall(filed, expected);
  }
}

/**
 * The action filed under `id`: the handler's own, else the channel's record (tracked from
 * now on until its decision; final at once when already decided), else `undefined` when the
 * channel knows no such action. Throws the channel's error when it cannot be asked.
 */
export async function adoptFiled(
  handler: HumanActionHandler,
  id: string,
): Promise<HumanAction | undefined> {
  const known = handler.getAction(id);
  if (known) return known;
  try {
    return await handler.resume(id);
  } catch (error) {
    if (isSafeguardsError(error, ErrorCode.NOT_FOUND)) return undefined;
    throw error;
  }
}

/**
 * Returns `action` when it asks about `expected`; else throws a {@link SafeguardsError}
 * (SAFEGUARDS_CONFLICT) saying what differs, so the call fails closed.
 */
export function assertSameCall(action: HumanAction, expected: ExpectedCall): HumanAction {
  const differs =
    action.agentId !== expected.agentId
      ? "agent"
      : action.action?.name !== expected.toolName
        ? "tool"
        : action.argsHash !== hashArgs(expected.args)
          ? "arguments"
          : undefined;
  if (differs === undefined) return action;
  throw new SafeguardsError(
    ErrorCode.CONFLICT,
    `Action ${action.id} was filed earlier for another call (its ${differs} differ${differs === "arguments" ? "" : "s"}); refused`,
    { details: { actionId: action.id } },
  );
}
