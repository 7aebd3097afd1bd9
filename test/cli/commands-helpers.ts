/** Runs storage commands in this process and captures what they print. */
import { runCommand } from "../../src/cli/commands/index.js";

export interface Ran {
  status: number;
  out: string;
  err: string;
}

/** Runs `skipjack <args>` in-process; `env` replaces the environment the command sees. */
export async function sj(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  columns?: number,
): Promise<Ran> {
  let out = "";
  let err = "";
  const status = await runCommand(args, {
    out: {
      columns,
      write: (text) => {
        out += text;
      },
    },
    err: (text) => {
      err += text;
    },
    env,
  });
  return { status, out, err };
}
