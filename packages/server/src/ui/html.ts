/**
 * @module ui/html
 * A tagged template that escapes every interpolated value unless it is already
 * {@link SafeHtml}: agent-written text can only ever become text, never markup.
 */
import { escapeHtml } from "@safeguards/core/internal";

/** Markup that is already safe (built by {@link html}). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const render = (value: unknown): string => {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
};

/** Builds HTML; interpolations are escaped (put them in quoted attributes or text only). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

/**
 * JSON for a `<script type="application/json">` data block: `<`, `>`, `&` and the line
 * separators are written as `\u` escapes so the text can never close the element.
 */
export function jsonData(id: string, value: unknown): SafeHtml {
  const json = JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return new SafeHtml(`<script type="application/json" id="${escapeHtml(id)}">${json}</script>`);
}
