import { createHash, createHmac, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import pg from "pg";
import { SUPERUSER } from "./postgres-cluster.ts";

const derive = promisify(pbkdf2);
const SCRAM_ITERATIONS = 4096;

/**
 * Gives the superuser of a freshly started cluster its password, over the
 * trusted unix socket in `socketDirectory` (see INITDB_OPTIONS), before
 * anything logs in over TCP. Only a SCRAM verifier is sent, and statements
 * that fail are not logged, so the password reaches no server file or log.
 */
export async function setSuperuserPassword(socketDirectory: string, port: number, password: string): Promise<void> {
  const verifier = await scramVerifier(password);
  const client = new pg.Client({ host: socketDirectory, port, user: SUPERUSER, database: "postgres", options: "-c log_min_error_statement=panic" });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${pg.escapeIdentifier(SUPERUSER)} PASSWORD ${pg.escapeLiteral(verifier)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The SCRAM-SHA-256 verifier of `password` as PostgreSQL stores it
 * (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, RFC 5802 keys).
 * PostgreSQL stores a verifier given as the password as it is. It would
 * SASLprep the password first; for printable ASCII that changes nothing, and
 * other passwords are refused rather than hashed differently from the server.
 */
export async function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): Promise<string> {
  if (!/^[\x21-\x7e]+$/.test(password)) throw new Error("password: must be printable ASCII without spaces");
  const salted = await derive(password, salt, iterations, 32, "sha256");
  const storedKey = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
