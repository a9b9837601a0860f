import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createInbox } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "sg-open-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a store given by path that cannot be opened", () => {
  it("fails listen() and every request, and is reported to onError once", async () => {
    const file = join(dir, "not-a-folder");
    writeFileSync(file, "");
    const errors: unknown[] = [];
    const inbox = createInbox({
      store: join(file, "inbox.db"), // its folder is a file: SQLite cannot open it
      apiKeys: { "agent-key-123": "agent" },
      onError: (error) => errors.push(error),
    });
    await expect(inbox.listen()).rejects.toThrow();
    const answer = await inbox.fetch(new Request("http://inbox.test/api/actions/x"));
    expect(answer.status).toBe(500);
    await inbox.close();
    expect(errors).toHaveLength(1);
  });
});
