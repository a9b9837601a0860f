/**
 * @module tool-catalog
 * The upstream's tools as the gateway knows them: `tools/list` is forwarded page by page
 * unchanged, and the input schema of a called tool is looked up in a cache that
 * `notifications/tools/list_changed` empties. A name the upstream lists twice is ambiguous:
 * its schema is never guessed.
 */

import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ResultSchema } from "@modelcontextprotocol/sdk/types.js";
import type { JsonObject } from "@safeguards/core";

/** What the catalog knows of one tool name. */
export type ToolEntry =
  | { kind: "tool"; inputSchema: JsonObject | undefined }
  | { kind: "ambiguous"; count: number }
  | { kind: "unknown" };

const UNKNOWN: ToolEntry = Object.freeze({ kind: "unknown" });

/** At most this many `tools/list` pages are read to find one tool (a hostile upstream may page forever). */
export const MAX_TOOL_PAGES = 100;

/** Forwards `tools/list` and caches what it needs to review calls. */
export class ToolCatalog {
  readonly #upstream: Client;
  #cache: Promise<Map<string, ToolEntry>> | undefined;
  #loaded: Map<string, ToolEntry> | undefined;
  #generation = 0;
  #failedGeneration = -1;

  constructor(upstream: Client) {
    this.#upstream = upstream;
  }

  /** The upstream's answer to `tools/list` with `params`, unchanged. */
  async list(params: unknown, signal?: AbortSignal): Promise<JsonObject> {
    const request = { method: "tools/list", ...(params ? { params } : {}) } as {
      method: "tools/list";
    };
    return (await this.#upstream.request(
      request,
      ResultSchema,
      signal ? { signal } : {},
    )) as JsonObject;
  }

  /** Forgets the cached tools (the upstream said its list changed). */
  invalidate(): void {
    this.#generation += 1;
    this.#cache = undefined;
    this.#loaded = undefined;
  }

  /** What the upstream lists under `name`, if the list is already read (no waiting). */
  peek(name: string): ToolEntry | undefined {
    return this.#loaded === undefined ? undefined : (this.#loaded.get(name) ?? UNKNOWN);
  }

  /** Starts reading the list (once per change of the list, even when reading fails). */
  preload(): void {
    const generation = this.#generation;
    if (this.#cache !== undefined || this.#failedGeneration === generation) return;
    this.find("").catch(() => {
      this.#failedGeneration = generation;
    });
  }

  /** What the upstream lists under `name` (all pages read once, then cached). */
  async find(name: string): Promise<ToolEntry> {
    const generation = this.#generation;
    const loading = this.#cache ?? this.#load();
    this.#cache = loading;
    try {
      const tools = await loading;
      if (this.#generation === generation && this.#cache === loading) this.#loaded = tools;
      return tools.get(name) ?? UNKNOWN;
    } catch (error) {
      if (this.#generation === generation && this.#cache === loading) this.#cache = undefined;
      throw error;
    }
  }

  async #load(): Promise<Map<string, ToolEntry>> {
    const tools = new Map<string, ToolEntry>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const result = await this.list(cursor === undefined ? undefined : { cursor });
      const listed = Array.isArray(result.tools) ? result.tools : [];
      for (const tool of listed) addTool(tools, tool);
      cursor = typeof result.nextCursor === "string" ? result.nextCursor : undefined;
      if (cursor === undefined) return tools;
    }
    throw new Error(`the upstream's tools/list did not end within ${MAX_TOOL_PAGES} pages`);
  }
}

function addTool(tools: Map<string, ToolEntry>, tool: unknown): void {
  if (!isObject(tool) || typeof tool.name !== "string") return;
  const seen = tools.get(tool.name);
  if (seen) {
    const count = seen.kind === "ambiguous" ? seen.count + 1 : 2;
    tools.set(tool.name, { kind: "ambiguous", count });
    return;
  }
  const inputSchema = isObject(tool.inputSchema) ? (tool.inputSchema as JsonObject) : undefined;
  tools.set(tool.name, { kind: "tool", inputSchema });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
