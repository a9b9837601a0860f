/**
 * @module cli/split-command
 * Splits `--upstream-command "node server.js --flag 'a b'"` into the program and its
 * arguments, as a POSIX shell would for words, single and double quotes and backslashes
 * (no variables, globs or pipes: nothing is run through a shell).
 */
import { InvalidConfigError } from "@safeguards/core";

/** The words of `line`. Throws {@link InvalidConfigError} on an unclosed quote or no words. */
export function splitCommand(line: string): { command: string; args: string[] } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = `${word ?? ""}${c}`;
    } else if (quote === '"') {
      const next = line[i + 1];
      if (c === '"') quote = undefined;
      else if (c === "\\" && next !== undefined && '"\\$`'.includes(next)) {
        word = `${word ?? ""}${next}`;
        i++;
      } else word = `${word ?? ""}${c}`;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw new InvalidConfigError(`--upstream-command has an unclosed ${quote} quote`);
  if (word !== undefined) words.push(word);
  const [command, ...args] = words;
  if (!command) throw new InvalidConfigError("--upstream-command is empty");
  return { command, args };
}
