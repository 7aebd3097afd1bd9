/**
 * The library modules bundled into the app (distributions, the logger) read `process.env` and
 * write warnings to `process.stderr` when they load or warn; the browser has neither, so this
 * module, imported first by main.tsx, gives them an empty environment and the console.
 */
interface ProcessLike {
  env: Record<string, string | undefined>;
  stderr: { write(text: string): boolean };
}

const scope = globalThis as unknown as { process?: ProcessLike };
if (scope.process === undefined) {
  scope.process = {
    env: {},
    stderr: {
      write(text: string): boolean {
        console.warn(text.trimEnd());
        return true;
      },
    },
  };
}

export {};
