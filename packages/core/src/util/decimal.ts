/**
 * @module decimal
 * Exact money: amounts given as number, numeric string or Decimal become a Decimal.
 */
import { Decimal } from "decimal.js";

export { Decimal };

/** Plain decimal notation, optional sign and exponent: no hex, no "Infinity", no spaces. */
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A money amount as users pass it. */
export type AmountInput = number | string | Decimal;

/**
 * `value` as a finite {@link Decimal}, or `undefined` when it is not a finite number, a
 * plain numeric string (`"2500.00"`, `"1e3"`; surrounding spaces ignored) or a Decimal.
 * Numbers convert through their shortest string form, so `1000.01` is exactly `1000.01`.
 */
export function toDecimal(value: unknown): Decimal | undefined {
  let d: Decimal;
  if (Decimal.isDecimal(value)) {
    d = new Decimal(value as Decimal);
  } else if (typeof value === "number") {
    if (!Number.isFinite(value)) return undefined;
    d = new Decimal(String(value));
  } else if (typeof value === "string") {
    const text = value.trim();
    if (!NUMERIC.test(text)) return undefined;
    d = new Decimal(text);
  } else {
    return undefined;
  }
  return d.isFinite() ? d : undefined;
}

/** Money for display: at least two decimals, never exponent notation (`2500` -> `"2500.00"`). */
export function formatMoney(value: Decimal): string {
  return value.decimalPlaces() < 2 ? value.toFixed(2) : value.toFixed();
}
