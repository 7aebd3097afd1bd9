/** The trial HTTP API: `skipjack serve`, and the server `skipjack run` lends trials through. */
export { createTrialApp, DEFAULT_BODY_LIMIT, ROUTES } from "./app.js";
export { isLoopback, randomToken, tokensEqual } from "./auth.js";
export {
  DEFAULT_IDEMPOTENCY_ENTRIES,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  IDEMPOTENCY_HEADER,
  type IdempotencyOptions,
} from "./idempotency.js";
export type { LeaseHooks, TellOutcome, TrialLease } from "./registry.js";
export { startTrialServer, type TrialServer, type TrialServerOptions } from "./server.js";
export { PRUNER_NAMES, prunerByName, SAMPLER_NAMES, samplerByName } from "./study-config.js";
