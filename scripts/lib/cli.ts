// How every script ends. A bad configuration or a failure the script explains itself is one message on
// stderr and exit 1, without a stack trace (the trace would only repeat the message); anything else is
// a bug, and its stack is printed.
import { ConfigError } from "../../src/config/load";

/** A failure whose message says everything the user needs (a bad argument, a failed deploy). */
export class Failure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Failure";
  }
}

/**
 * Runs `main`; on an error prints it (see above), sets exit code 1, then calls `afterError` (e.g. a hint
 * about what was left running).
 */
export function runCli(main: () => void | Promise<void>, afterError?: (error: unknown) => void): void {
  const fail = (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof Failure;
    console.error(known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
    afterError?.(error);
  };
  try {
    Promise.resolve(main()).catch(fail);
  } catch (error) {
    fail(error);
  }
}
