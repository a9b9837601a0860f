/**
 * @module tool-schemas
 * Looks up the schema of each known tool: its JSON Schema for the reviewer, and a check
 * of modified arguments against the tool's zod schema.
 */
import { toJsonSchema } from "@langchain/core/utils/json_schema";
import { interopSafeParse, isInteropZodSchema } from "@langchain/core/utils/types";
import { InvalidConfigError, type JsonObject } from "@safeguards/core";

/** The parts of a LangChain tool the approval node reads (any `StructuredTool` fits). */
export interface ToolLike {
  name: string;
  description?: string;
  /** A zod schema or a JSON Schema object. */
  schema?: unknown;
}

/** What is known about one tool. */
export interface ToolInfo {
  description?: string;
  argsSchema?: JsonObject;
  /** Why `args` do not fit the tool's zod schema, or undefined when they do. */
  validate?: (args: JsonObject) => string | undefined;
}

/** Builds the lookup table of `tools` by name. */
export function toolTable(tools: readonly ToolLike[] = []): Map<string, ToolInfo> {
  const table = new Map<string, ToolInfo>();
  for (const tool of tools) {
    if (!tool || typeof tool.name !== "string" || tool.name.length === 0) {
      throw new InvalidConfigError("tools: every entry needs a name");
    }
    table.set(tool.name, describeTool(tool));
  }
  return table;
}

function describeTool(tool: ToolLike): ToolInfo {
  const info: ToolInfo = {};
  if (typeof tool.description === "string") info.description = tool.description;
  const schema = tool.schema;
  if (schema === undefined || schema === null) return info;
  try {
    info.argsSchema = JSON.parse(JSON.stringify(toJsonSchema(schema as never))) as JsonObject;
  } catch {
    // a schema that cannot be shown as JSON Schema is still used to validate below
  }
  if (isInteropZodSchema(schema)) {
    info.validate = (args) => {
      const result = interopSafeParse(schema, args);
      if (result.success) return undefined;
      return result.error.issues
        .map((i) => `${i.path.join(".") || "(arguments)"}: ${i.message}`)
        .join("; ");
    };
  }
  return info;
}
