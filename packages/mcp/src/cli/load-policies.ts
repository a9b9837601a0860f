/**
 * @module cli/load-policies
 * Loads the policies module of `--policies`: a `.js`/`.mjs` file, or a `.ts`/`.mts` file
 * through `tsx` when it is installed. The module exports `definePolicies(...)` as its
 * default export or as `policies`.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidConfigError, isPolicies, type Policies } from "@safeguards/core";

/** Imports `path` (relative to the working directory) and returns its policies. */
export async function loadPolicies(path: string): Promise<Policies> {
  const url = pathToFileURL(resolve(path)).href;
  let module: Record<string, unknown>;
  try {
    module = /\.[mc]?ts$/.test(path) ? await importTypeScript(url) : await import(url);
  } catch (error) {
    if (error instanceof InvalidConfigError) throw error;
    throw new InvalidConfigError(
      `--policies ${path} could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const policies = isPolicies(module.default) ? module.default : module.policies;
  if (!isPolicies(policies)) {
    throw new InvalidConfigError(
      `--policies ${path} must export definePolicies(...) as its default export or as "policies"`,
    );
  }
  return policies;
}

async function importTypeScript(url: string): Promise<Record<string, unknown>> {
  let api: { tsImport(specifier: string, parent: string): Promise<Record<string, unknown>> };
  try {
    api = (await import("tsx/esm/api" as string)) as typeof api;
  } catch {
    throw new InvalidConfigError(
      "--policies: a .ts file needs tsx (npm install tsx), or compile it to .js",
    );
  }
  return api.tsImport(url, import.meta.url);
}
