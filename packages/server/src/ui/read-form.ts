/**
 * @module ui/read-form
 * Reads a posted form (urlencoded or multipart) without letting a malformed body become a
 * 5xx: Hono's `parseBody` throws on a broken multipart body.
 */
import type { Context } from "hono";

/** The request's form fields, or `undefined` when the body cannot be parsed as a form. */
export async function readForm(c: Context): Promise<Record<string, unknown> | undefined> {
  try {
    return await c.req.parseBody();
  } catch {
    return undefined;
  }
}
