/**
 * @module terminal-modify
 * The terminal channel's "modify" dialogue: new values field by field, a summary, a
 * confirmation.
 */
import type { JsonObject } from "../util/json.js";
import { parseFieldValue, terminalText } from "./terminal-prompt.js";

/** How the dialogue talks to the person. */
export interface PromptIO {
  /** Writes `prompt` and resolves to the next line typed (trimmed). */
  question(prompt: string): Promise<string>;
  write(text: string): void;
}

/**
 * Asks for a new value of each field of `target` (Enter keeps it), re-asking a value of
 * the wrong type, then shows `field: old -> new` and asks to confirm. Returns the changed
 * fields once confirmed, or undefined (nothing changed, or not confirmed).
 */
export async function askChanges(
  target: JsonObject,
  io: PromptIO,
): Promise<JsonObject | undefined> {
  const changes: JsonObject = {};
  io.write("New values (press Enter to keep the current one):\n");
  for (const [field, original] of Object.entries(target)) {
    for (;;) {
      const text = await io.question(
        `  ${terminalText(field)} [${terminalText(JSON.stringify(original))}]: `,
      );
      if (text === "") break;
      const parsed = parseFieldValue(original, text);
      if (!parsed.ok) {
        io.write(`  Invalid value for ${terminalText(field)}: ${parsed.error}. Try again.\n`);
        continue;
      }
      if (JSON.stringify(parsed.value) !== JSON.stringify(original)) {
        changes[field] = parsed.value;
      }
      break;
    }
  }
  const fields = Object.keys(changes);
  if (fields.length === 0) {
    io.write("Nothing was changed.\n");
    return undefined;
  }
  io.write("Changes:\n");
  for (const field of fields) {
    const from = terminalText(JSON.stringify(target[field]));
    const to = terminalText(JSON.stringify(changes[field]));
    io.write(`  ${terminalText(field)}: ${from} -> ${to}\n`);
  }
  for (;;) {
    const confirm = (await io.question("Apply these changes? [y/n] ")).toLowerCase();
    if (confirm === "y" || confirm === "yes") return changes;
    if (confirm === "n" || confirm === "no") return undefined;
  }
}
