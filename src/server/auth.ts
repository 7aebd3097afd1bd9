/**
 * Who may call the API: a server-wide bearer token (`--token`), or a per-trial token that
 * `skipjack run` hands to one child process and that opens only that trial's routes. Tokens
 * are compared in constant time and never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

/** A new random token (32 bytes, URL-safe base64). */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The SHA-256 digest a token is compared by. Comparing digests (fixed length) with
 * timingSafeEqual takes time that shows neither token nor its length; the server computes
 * the digest of its own tokens once, and of the given one once per request.
 */
export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Whether two digests of `tokenDigest` are equal, in constant time. */
export function digestsEqual(given: Buffer, expected: Buffer): boolean {
  return timingSafeEqual(given, expected);
}

/** Whether two tokens are equal, in time that depends on neither (see `tokenDigest`). */
export function tokensEqual(given: string, expected: string): boolean {
  return digestsEqual(tokenDigest(given), tokenDigest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Whether a host to bind to is the loopback interface (only this machine can connect). */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || /^::ffff:127\./i.test(bare);
  return false;
}
