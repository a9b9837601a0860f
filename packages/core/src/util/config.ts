/**
 * @module config
 * Validates `initialize(config)` objects with zod, with errors that name the key,
 * and refuses the Python guide's snake_case keys by naming their camelCase spelling.
 */
import type { z } from "zod";
import { InvalidConfigError } from "../errors.js";

/** `webhook_url` -> `webhookUrl`. */
export function toCamelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Throws {@link InvalidConfigError} when a top-level key of `options` (a config or options
 * object) is snake_case, naming its camelCase spelling: `timeout_seconds` -> `timeoutSeconds`.
 * Does nothing for a non-object.
 */
export function refuseSnakeCaseKeys(owner: string, options: unknown): void {
  if (options === null || typeof options !== "object") return;
  for (const key of Object.keys(options)) {
    if (key.includes("_")) {
      throw new InvalidConfigError(
        `${owner}: config key "${key}" is snake_case; use "${toCamelCase(key)}" instead`,
        { details: { key, expected: toCamelCase(key) } },
      );
    }
  }
}

/**
 * Parses `config` with `schema` for the component `owner` (for messages).
 * Throws {@link InvalidConfigError} naming the first bad key; a snake_case key such as
 * `timeout_seconds` is refused with a message naming `timeoutSeconds`.
 */
export function parseConfig<S extends z.ZodType>(
  owner: string,
  schema: S,
  config: unknown,
): z.output<S> {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new InvalidConfigError(`${owner}: config must be an object`);
  }
  refuseSnakeCaseKeys(owner, config);
  const result = schema.safeParse(config);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.join(".") || "(config)";
    throw new InvalidConfigError(
      `${owner}: invalid config key "${key}": ${issue?.message ?? "invalid"}`,
      {
        details: { key, issues: result.error.issues },
      },
    );
  }
  return result.data;
}
