/**
 * @module test/reviewer-net-helpers
 * Network fixtures of the email and Slack tests: a free port (the inbox's `publicUrl` must
 * be known before it listens), and an SMTP sink (smtp-server + mailparser) on 127.0.0.1.
 */
import { createServer } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A received mail. */
export interface Mail {
  to: string[];
  parsed: ParsedMail;
}

/** An SMTP server that keeps what it receives. */
export async function startSmtpSink(): Promise<{
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    logger: false,
    closeTimeout: 50,
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed });
        callback();
      }, callback);
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as { port: number };
  return { port, mails, close: () => new Promise((r) => server.close(() => r())) };
}

/** The link after `label: ` in a mail's text part. */
export function linkIn(mail: Mail, label: string): string {
  const match = new RegExp(`^${label}: (\\S+)$`, "m").exec(mail.parsed.text ?? "");
  if (!match?.[1]) throw new Error(`no ${label} link in mail`);
  return match[1];
}

/** Polls until `check` is true (5 s at most). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
