/** Runs Python code with the shipped Python client importable, as the server tests' workers. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const clientDir = fileURLToPath(new URL("../../clients/python", import.meta.url));

/** Runs `code` with python3 -c, only PATH, PYTHONPATH and `env` set; resolves when it exits. */
export function runPython(
  code: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/python3", ["-c", code], {
      env: { PATH: process.env["PATH"] ?? "", PYTHONPATH: clientDir, ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}
