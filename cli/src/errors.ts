// The CLI's failures and their exit codes: 0 ok, 1 API or user error, 2 usage error (bad flags),
// 3 cannot reach the server. Commands throw these; run.ts prints one line and exits with the code.

export const EXIT = { ok: 0, error: 1, usage: 2, unreachable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.error,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** The command line itself is wrong (a malformed flag value, a missing argument). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = "UsageError";
  }
}

/** The server answered with an error in the SPEC §7 shape (or something that is not JSON). */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    readonly requestId: string | null,
    /** The response body as the API sent it (printed as is with --output json). */
    readonly body: unknown,
  ) {
    super(message, EXIT.error);
    this.name = "ApiError";
  }
}

/** No HTTP answer at all: connection refused, DNS failure, timeout. */
export class UnreachableError extends CliError {
  constructor(message: string) {
    super(message, EXIT.unreachable);
    this.name = "UnreachableError";
  }
}
