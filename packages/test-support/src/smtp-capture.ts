/**
 * @module @safeguards/test-support/smtp
 * SMTP capture: a real SMTP server (smtp-server) on 127.0.0.1 port 0 that records and parses
 * each message (mailparser), optionally with STARTTLS / implicit TLS and AUTH, and can be
 * switched to refuse recipients or to hang. Used by core's EmailChannel tests and the inbox's
 * email approvals. Imports neither core nor the server (core's tests load it: no cycle).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

/** One message the sink accepted. */
export interface SunkMail {
  raw: string;
  parsed: ParsedMail;
  envelope: { from: string; to: string[] };
  /** Whether the session ran over TLS (STARTTLS or implicit). */
  secure: boolean;
  /** Authenticated user, if any. */
  user: string | undefined;
}

/** Options of {@link startSmtpSink}. */
export interface SmtpSinkOptions {
  /** Offer STARTTLS (or, with `implicitTls`, speak TLS from the start) with this key pair. */
  tls?: { key: string; cert: string };
  implicitTls?: boolean;
  /** Require AUTH with these credentials. */
  auth?: { user: string; pass: string };
}

/** A running sink. */
export interface SmtpSink {
  port: number;
  mails: SunkMail[];
  /** `error`: refuse every recipient (550); `slow`: never answer MAIL FROM. */
  mode: "ok" | "error" | "slow";
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 / localhost, made with openssl for this run. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "smtp-cert-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
      ],
      { stdio: "ignore" },
    );
    return {
      key: readFileSync(join(dir, "key.pem"), "utf8"),
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a sink on 127.0.0.1, port 0. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  const sink: SmtpSink = { port: 0, mails, mode: "ok", close: async () => {} };
  const config: SMTPServerOptions = {
    logger: false,
    closeTimeout: 50,
    secure: Boolean(options.implicitTls),
    disabledCommands: [...(options.tls ? [] : ["STARTTLS"]), ...(options.auth ? [] : ["AUTH"])],
    authOptional: !options.auth,
    allowInsecureAuth: false,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.user && auth.password === options.auth?.pass;
      callback(
        ok ? null : new Error("Invalid username or password"),
        ok ? { user: auth.username } : undefined,
      );
    },
    onMailFrom(_address, _session, callback) {
      if (sink.mode !== "slow") callback();
    },
    onRcptTo(address, _session, callback) {
      if (sink.mode === "error") {
        callback(
          Object.assign(new Error(`Mailbox ${address.address} unavailable`), { responseCode: 550 }),
        );
      } else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw).then((parsed) => {
          mails.push({
            raw,
            parsed,
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            secure: session.secure,
            user: typeof session.user === "string" ? session.user : undefined,
          });
          callback();
        }, callback);
      });
    },
  };
  if (options.tls) Object.assign(config, options.tls);
  const server = new SMTPServer(config);
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
