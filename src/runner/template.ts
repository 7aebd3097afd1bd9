/**
 * The command of `skipjack run` as an argv template. Each argument may hold placeholders:
 * `{name}` for a parameter, `{trial_number}`, `{trial_dir}`, `{study_name}`; `{args}` as a
 * whole argument expands to `--name=value` for every parameter. `{{` and `}}` are literal
 * braces. Values are substituted into argv elements, never through a shell, so a value with
 * spaces, quotes or `$(...)` reaches the program as that exact string.
 */
import type { ParamValue } from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";

/** What the built-in placeholders stand for in one trial. */
export interface TrialContext {
  readonly trialNumber: number;
  readonly trialDir: string;
  readonly studyName: string;
}

const BUILTINS = ["trial_number", "trial_dir", "study_name"] as const;
const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/** A parameter value as text in argv: strings as they are, numbers as JavaScript prints them. */
export function formatValue(value: ParamValue): string {
  return typeof value === "string" ? value : String(value);
}

/**
 * Checks the template before the first trial: every `{placeholder}` must be a built-in or, when
 * the space is static, one of its parameters (a typo must not burn trials). With no static
 * space (the command asks for its parameters itself), parameter placeholders are refused.
 */
export function checkTemplate(argv: readonly string[], paramNames: readonly string[] | null): void {
  if (argv.length === 0) {
    throw new InvalidArgumentError(
      "No command given: put it after --, e.g. skipjack run ... -- python train.py --lr {lr}",
    );
  }
  for (const arg of argv) {
    if (arg === "{args}") {
      if (paramNames === null) {
        throw new InvalidArgumentError(
          "{args} needs a static search space (--space); a command that asks for its parameters through the client gets none on its command line.",
        );
      }
      continue;
    }
    for (const match of arg.matchAll(PLACEHOLDER)) {
      const name = match[1];
      if (name === undefined || (BUILTINS as readonly string[]).includes(name)) continue;
      if (paramNames === null || !paramNames.includes(name)) {
        const known = [...(paramNames ?? []), ...BUILTINS, "args"].map((n) => `{${n}}`);
        throw new InvalidArgumentError(
          `The command's argument ${JSON.stringify(arg)} names {${name}}, which is not a parameter of --space or a placeholder (known: ${known.join(", ")}; write {{ and }} for literal braces).`,
        );
      }
    }
  }
}

/** The argv of one trial. */
export function expandTemplate(
  argv: readonly string[],
  params: Readonly<Record<string, ParamValue>>,
  ctx: TrialContext,
): string[] {
  const builtins: Record<string, string> = {
    trial_number: String(ctx.trialNumber),
    trial_dir: ctx.trialDir,
    study_name: ctx.studyName,
  };
  const out: string[] = [];
  for (const arg of argv) {
    if (arg === "{args}") {
      for (const [name, value] of Object.entries(params))
        out.push(`--${name}=${formatValue(value)}`);
      continue;
    }
    out.push(
      arg.replace(PLACEHOLDER, (whole, name: string | undefined) => {
        if (whole === "{{") return "{";
        if (whole === "}}") return "}";
        const n = name as string;
        if (n in builtins) return builtins[n] as string;
        const value = params[n];
        return value === undefined ? whole : formatValue(value);
      }),
    );
  }
  return out;
}
