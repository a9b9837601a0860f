/**
 * @module financial-services-safeguard
 * Checks an agent's financial actions against restricted action types and per-agent
 * transaction limits, comparing money exactly as decimals.
 */
import { z } from "zod";
import { AlertSeverity, createAlert, type SafetyAlert } from "../alerts/safety-alert.js";
import { ErrorCode, InvalidConfigError, SafeguardsError } from "../errors.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseConfig, refuseSnakeCaseKeys } from "../util/config.js";
import { type AmountInput, type Decimal, formatMoney, toDecimal } from "../util/decimal.js";
import type { JsonObject } from "../util/json.js";
import { describeValue } from "./describe-value.js";

/** An action an agent wants to take, as the safeguard sees it. */
export interface FinancialAction {
  /** What kind of action, e.g. `"transaction"` or `"high_risk_investment"`. */
  actionType: string;
  /** The money involved: number, numeric string or Decimal (never compared as a float). */
  amount?: AmountInput;
  description?: string;
  /** Other fields (recipient, currency, ...) are allowed and ignored. */
  [field: string]: unknown;
}

/** Configuration of {@link FinancialServicesSafeguard.initialize}. */
export interface FinancialServicesConfig {
  /** Action types that always raise an ERROR "Restricted Financial Action". @default [] */
  restrictedActions?: string[];
  /** Inclusive limit per agent id; an agent without one is unlimited. @default {} */
  transactionLimits?: Record<string, AmountInput>;
}

/** Options of {@link FinancialServicesSafeguard}. */
export interface FinancialServicesSafeguardOptions {
  /** Time source for alert timestamps. @default systemClock */
  clock?: Clock;
}

const configSchema = z.strictObject({
  restrictedActions: z.array(z.string().min(1)).default([]),
  transactionLimits: z.record(z.string(), z.unknown()).default({}),
});

/** The transaction action type; any action that carries an `amount` is checked the same way. */
const TRANSACTION = "transaction";

/**
 * Validates agents' financial actions; each problem becomes a {@link SafetyAlert}.
 *
 * - a restricted action type -> ERROR "Restricted Financial Action";
 * - an amount above the agent's limit -> WARNING "Transaction Limit Exceeded" (the limit
 *   is inclusive: with 1000.00, 1000.00 passes and 1000.01 is flagged);
 * - a missing, negative or non-numeric amount on a transaction (or on any action that
 *   carries an `amount`) -> ERROR "Invalid Transaction Amount";
 * - before `initialize` or after `shutdown` -> ERROR "Safeguard Not Initialized".
 *
 * Monitoring is bookkeeping (`monitorAgent`, `isMonitoringAgent`), not a gate: an agent
 * that is not monitored is validated all the same, because skipping the checks for an
 * agent someone forgot to monitor would let an over-limit payment through (fail closed).
 *
 * `validateAgentAction` never throws: anything unexpected becomes an ERROR alert.
 */
export class FinancialServicesSafeguard {
  readonly #clock: Clock;
  readonly #monitored = new Set<string>();
  #restricted: ReadonlySet<string> | undefined;
  #limits = new Map<string, Decimal>();

  constructor(options: FinancialServicesSafeguardOptions = {}) {
    refuseSnakeCaseKeys("FinancialServicesSafeguard", options);
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Sets restricted actions and limits (replacing earlier ones). Throws
   * {@link InvalidConfigError} naming the bad key, e.g. `transactionLimits.agent_1`.
   */
  initialize(config: FinancialServicesConfig): void {
    const parsed = parseConfig("FinancialServicesSafeguard", configSchema, config);
    const limits = new Map<string, Decimal>();
    for (const [agentId, raw] of Object.entries(parsed.transactionLimits)) {
      const limit = toDecimal(raw);
      if (limit === undefined || limit.lessThan(0)) {
        const key = `transactionLimits.${agentId}`;
        throw new InvalidConfigError(
          `FinancialServicesSafeguard: invalid config key "${key}": expected a non-negative amount (number, numeric string or Decimal), got ${describeValue(raw)}`,
          { details: { key } },
        );
      }
      limits.set(agentId, limit);
    }
    this.#restricted = new Set(parsed.restrictedActions);
    this.#limits = limits;
  }

  /** Starts monitoring `agentId`. */
  monitorAgent(agentId: string): void {
    if (typeof agentId !== "string" || agentId === "") {
      throw new SafeguardsError(ErrorCode.INVALID_ARGUMENT, "agentId must be a non-empty string");
    }
    this.#monitored.add(agentId);
  }

  /** Whether `agentId` is monitored. */
  isMonitoringAgent(agentId: string): boolean {
    return this.#monitored.has(agentId);
  }

  /** Stops monitoring `agentId`; returns whether it was monitored. */
  stopMonitoringAgent(agentId: string): boolean {
    return this.#monitored.delete(agentId);
  }

  /** The limit for `agentId`, or `undefined` when the agent is unlimited. */
  getTransactionLimit(agentId: string): Decimal | undefined {
    return this.#limits.get(agentId);
  }

  /** Checks `action` by `agent`; returns the alerts it raises (empty: nothing to flag). */
  validateAgentAction(agent: { readonly id: string }, action: FinancialAction): SafetyAlert[] {
    try {
      return this.#validate(agent, action);
    } catch (error) {
      return [
        this.#alert(
          AlertSeverity.ERROR,
          "Validation Failed",
          `The action could not be validated: ${String(error)}`,
          safeId(agent),
        ),
      ];
    }
  }

  /** Forgets configuration and monitored agents; later validations report "Safeguard Not Initialized". */
  shutdown(): void {
    this.#restricted = undefined;
    this.#limits = new Map();
    this.#monitored.clear();
  }

  #validate(agent: { readonly id: string }, action: FinancialAction): SafetyAlert[] {
    const agentId = safeId(agent);
    if (this.#restricted === undefined) {
      return [
        this.#alert(
          AlertSeverity.ERROR,
          "Safeguard Not Initialized",
          "FinancialServicesSafeguard.initialize() has not been called; no action can be validated.",
          agentId,
        ),
      ];
    }
    const actionType: unknown = action?.actionType;
    if (typeof actionType !== "string" || actionType === "") {
      const hint =
        action && "action_type" in action ? ' (found "action_type"; use "actionType")' : "";
      return [
        this.#alert(
          AlertSeverity.ERROR,
          "Invalid Financial Action",
          `The action has no actionType${hint}.`,
          agentId,
        ),
      ];
    }
    const alerts: SafetyAlert[] = [];
    const base: JsonObject = { agent_id: agentId, action_type: actionType };
    if (typeof action.description === "string") base.action_description = action.description;
    if (this.#restricted.has(actionType)) {
      alerts.push(
        this.#alert(
          AlertSeverity.ERROR,
          "Restricted Financial Action",
          `Agent ${agentId} attempted the restricted action "${actionType}".`,
          agentId,
          base,
        ),
      );
    }
    const carriesAmount = "amount" in action && action.amount !== undefined;
    if (actionType !== TRANSACTION && !carriesAmount) return alerts;
    const amount = toDecimal(action.amount);
    if (amount === undefined || amount.lessThan(0)) {
      const given = describeValue(action.amount);
      alerts.push(
        this.#alert(
          AlertSeverity.ERROR,
          "Invalid Transaction Amount",
          `Agent ${agentId} requested ${actionType} with an invalid amount (${given}); expected a non-negative number, numeric string or Decimal.`,
          agentId,
          { ...base, amount: given },
        ),
      );
      return alerts;
    }
    const limit = this.#limits.get(agentId);
    if (limit !== undefined && amount.greaterThan(limit)) {
      alerts.push(
        this.#alert(
          AlertSeverity.WARNING,
          "Transaction Limit Exceeded",
          `Agent ${agentId} requested ${actionType} of ${formatMoney(amount)}, above its limit of ${formatMoney(limit)}.`,
          agentId,
          { ...base, amount: formatMoney(amount), limit: formatMoney(limit) },
        ),
      );
    }
    return alerts;
  }

  #alert(
    severity: AlertSeverity,
    title: string,
    description: string,
    agentId: string,
    metadata: JsonObject = { agent_id: agentId },
  ): SafetyAlert {
    return createAlert({
      title,
      description,
      severity,
      agentId,
      metadata,
      timestamp: new Date(this.#clock.now()),
    });
  }
}

function safeId(agent: { readonly id: string } | undefined): string {
  const id: unknown = agent?.id;
  return typeof id === "string" ? id : String(id);
}
