/**
 * @module describe-value
 * A short, safe description of an untrusted value for messages and alert metadata.
 */
import { Decimal } from "../util/decimal.js";

/** `"-5"`, `"abc"`, `missing`, `NaN`, `an object` ...: never throws, at most 64 characters. */
export function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = "missing";
  else if (value === null) text = "null";
  else if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    text = String(value);
  } else if (Decimal.isDecimal(value)) text = `Decimal(${String(value)})`;
  else text = Array.isArray(value) ? "an array" : `a value of type ${typeof value}`;
  return text.length > 64 ? `${text.slice(0, 63)}…` : text;
}
