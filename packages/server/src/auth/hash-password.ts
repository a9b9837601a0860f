/**
 * @module auth/hash-password
 * Makes the bcrypt `passwordHash` of a reviewer account (bcryptjs, cost 12 by default).
 * From a shell: `node -e "console.log(require('bcryptjs').hashSync(process.argv[1], 12))" 'pw'`.
 */
import { InvalidConfigError } from "@safeguards/core";
import bcrypt from "bcryptjs";

/** The bcrypt hash of `password` for a reviewer account. */
export function hashPassword(password: string, cost = 12): Promise<string> {
  if (password.length < 8) {
    throw new InvalidConfigError("Reviewer passwords need at least 8 characters");
  }
  return bcrypt.hash(password, cost);
}
