/**
 * The log file of a trial run by `skipjack run` (user attribute `log_path`), read for the
 * trial page: only a regular `.log` file (not a symbolic link), only its last bytes.
 *
 * The path is data from the database, which any worker may have written: the `.log` suffix
 * and the refusal of links keep the dashboard from serving other files of this machine.
 */
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import type { JsonValue } from "../../json/python.js";
import type { TrialLog } from "./api-types.js";

/** Bytes of a log sent by default (its end). */
export const DEFAULT_LOG_BYTES = 256 * 1024;
/** Most bytes of a log a request may ask for. */
export const MAX_LOG_BYTES = 8 * 1024 * 1024;

/** The user attribute `skipjack run` records the log's path in. */
export const LOG_PATH_ATTR = "log_path";

/** The log of a trial whose user attributes are `userAttrs`, or null when none is recorded. */
export async function readTrialLog(
  userAttrs: Readonly<Record<string, JsonValue>>,
  maxBytes: number,
): Promise<TrialLog | null> {
  const path = userAttrs[LOG_PATH_ATTR];
  if (typeof path !== "string" || path === "") return null;
  const unavailable: TrialLog = {
    path,
    available: false,
    content: null,
    size: null,
    truncated: false,
  };
  if (!path.endsWith(".log")) return unavailable;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NOFOLLOW: a link named *.log is refused rather than followed.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return unavailable;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return unavailable;
    const size = stat.size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, size - length + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    let start = 0;
    const truncated = length < size;
    // Cut at a character boundary: skip UTF-8 continuation bytes at the start of the tail.
    if (truncated) while (start < read && (buffer[start]! & 0xc0) === 0x80) start++;
    return {
      path,
      available: true,
      content: buffer.subarray(start, read).toString("utf8"),
      size,
      truncated,
    };
  } catch {
    return unavailable;
  } finally {
    await handle.close();
  }
}
