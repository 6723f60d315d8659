/**
 * How the app reports an invalid configuration: once, on the user's stderr, without a stack trace.
 */
import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import type { ConfigError } from "./load";

/**
 * `cdktf synth` (cdktf-cli 0.21) pipes this app's output: it logs every stderr chunk as
 * "[ERROR] default - ..." AND repeats all of stdout and stderr in its closing error block, so anything
 * written there is seen twice. Under cdktf on Linux the message goes straight to cdktf's own stderr
 * instead (a pipe or terminal only: a regular file would be overwritten at cdktf's offset); everywhere
 * else, and if that fails, to this process's stderr.
 */
function cdktfStderr(): number | undefined {
  if (process.platform !== "linux" || process.env.CDKTF_CONTEXT_JSON === undefined) return undefined;
  try {
    // cdktf runs the app through `sh -c`, which may or may not exec: look two levels up.
    for (let pid = process.ppid, level = 0; level < 2 && pid > 1; level++) {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (/(^|[/\0])cdktf(\0|$)/.test(commandLine)) {
        const target = statSync(`/proc/${pid}/fd/2`);
        return target.isFIFO() || target.isCharacterDevice() ? openSync(`/proc/${pid}/fd/2`, "a") : undefined;
      }
      pid = Number(readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[1]);
    }
  } catch {
    // Not reachable (permissions, a socket): fall back to stderr.
  }
  return undefined;
}

/** Prints the configuration's problems once, where the user sees them. */
export function reportConfigError(error: ConfigError): void {
  const fd = cdktfStderr();
  writeSync(fd ?? process.stderr.fd, `${error.message}\n`);
  if (fd !== undefined) closeSync(fd);
}
