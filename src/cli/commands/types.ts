import type { CliIo } from "../context.js";

/** What a command module needs: where to print, and where its exit status goes. */
export interface CommandContext {
  readonly io: CliIo;
  done(status: number): void;
}
