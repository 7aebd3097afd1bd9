/**
 * Idempotency keys: a client that retries a POST after a dropped connection cannot know
 * whether the server acted on the first try, so it sends the same `Idempotency-Key` header on
 * every try of one logical call, and the server answers a repeat with the answer it stored
 * instead of acting again (the scheme of the IETF draft "The Idempotency-Key HTTP Header
 * Field", draft-ietf-httpapi-idempotency-key-header).
 *
 * The answers are kept in memory, bounded two ways: at most `maxEntries` keys (the least
 * recently used go first) and each for `ttlMs` after it was first seen. A repeat must reach
 * the same server process, as the Python client's retries do.
 */
import { createHash } from "node:crypto";
import { HttpError } from "./errors.js";

/** Name of the request header (HTTP headers are case-insensitive). */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** Response header set on an answer replayed from the store. */
export const REPLAYED_HEADER = "Idempotent-Replayed";

/** Keys kept at most by default: a few thousand, well above the calls in flight. */
export const DEFAULT_IDEMPOTENCY_ENTRIES = 4096;

/**
 * How long a key is kept by default: 15 minutes, over the longest the Python client keeps
 * retrying one call (6 tries of 60 s timeouts with backoff between them, about 6 minutes).
 */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 15 * 60 * 1000;

/** Longest key accepted (a UUID is 36 characters). */
const MAX_KEY_LENGTH = 255;

/** Bounds of the store. */
export interface IdempotencyOptions {
  /** Keys kept at most (least recently used dropped first). Default 4096. */
  maxEntries?: number;
  /** Milliseconds a key is kept after its first request. Default 15 minutes. */
  ttlMs?: number;
}

/** An answer as it is replayed: its status and JSON body. */
export interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
}

interface Entry {
  /** What the key was first sent with: method, path, caller and body (hashed). */
  readonly fingerprint: string;
  readonly created: number;
  /** The answer; pending while the first request is still being handled. */
  readonly answer: Promise<StoredAnswer>;
}

/** What the store says about a request that carries a key. */
export type Claim =
  /** First time: act, then `settle` with the answer (or `abandon` after a server error). */
  | { readonly first: true; settle(answer: StoredAnswer): void; abandon(): void }
  /** A repeat: answer with this (waits while the first request is still running). */
  | { readonly first: false; readonly answer: Promise<StoredAnswer> };

/** The key of a request's header, or a 400 when it is not one. */
export function checkKey(header: string): string {
  const key = header.trim();
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new HttpError(
      400,
      "bad_idempotency_key",
      `The ${IDEMPOTENCY_HEADER} header must be 1 to ${MAX_KEY_LENGTH} visible ASCII characters (e.g. a UUID), one per logical call.`,
    );
  }
  return key;
}

/** The key → answer store of one server. */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  readonly maxEntries: number;
  readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: IdempotencyOptions = {}, now: () => number = Date.now) {
    this.maxEntries = options.maxEntries ?? DEFAULT_IDEMPOTENCY_ENTRIES;
    this.ttlMs = options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${this.maxEntries}.`);
    }
    if (!(this.ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${this.ttlMs}.`);
    this.now = now;
  }

  /** Keys held now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Claims `key` for a request. `scope` names what the request does (method, path and the
   * caller's token) and `body` is its raw body: a key sent again with another scope or body
   * is a 422, since answering it with the first call's answer would be wrong.
   */
  claim(key: string, scope: string, body: string): Claim {
    const fingerprint = createHash("sha256").update(scope).update("\0").update(body).digest("hex");
    const now = this.now();
    const found = this.entries.get(key);
    if (found !== undefined && now - found.created < this.ttlMs) {
      if (found.fingerprint !== fingerprint) {
        throw new HttpError(
          422,
          "idempotency_key_reused",
          `The ${IDEMPOTENCY_HEADER} ${JSON.stringify(key)} was sent before with another route or body: send a new key for each call, and the same key only to retry that call.`,
        );
      }
      // Most recently used goes last in the map's order.
      this.entries.delete(key);
      this.entries.set(key, found);
      return { first: false, answer: found.answer };
    }
    if (found !== undefined) this.entries.delete(key);
    let settle!: (answer: StoredAnswer) => void;
    let fail!: (error: unknown) => void;
    const answer = new Promise<StoredAnswer>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    // A repeat waiting on a first try that ends in a server error is told to retry.
    answer.catch(() => undefined);
    const entry: Entry = { fingerprint, created: now, answer };
    this.entries.set(key, entry);
    this.evict(now);
    return {
      first: true,
      settle,
      abandon: () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
        fail(
          new HttpError(
            503,
            "retry",
            "The first request with this idempotency key failed on the server: retry it.",
          ),
        );
      },
    };
  }

  /** Drops expired keys from the least recently used end, then any over the bound. */
  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && now - entry.created < this.ttlMs) break;
      this.entries.delete(key);
    }
  }
}
