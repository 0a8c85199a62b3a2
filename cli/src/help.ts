// Help and flag-parsing pieces shared by the commands.
import { InvalidArgumentError, type Command } from "commander";
import type { z } from "zod";
import { UsageError } from "./errors";

const EXAMPLES = new WeakMap<Command, readonly string[]>();

/** Adds an "Examples:" block after the command's options (each example without the "$ "). */
export function withExamples(cmd: Command, examples: readonly string[]): Command {
  EXAMPLES.set(cmd, examples);
  return cmd.addHelpText("after", `\nExamples:\n${examples.map((e) => `  $ ${e}`).join("\n")}`);
}

export function examplesOf(cmd: Command): readonly string[] {
  return EXAMPLES.get(cmd) ?? [];
}

/** The command list shows the first line of each description. */
export function summarize(cmd: Command): void {
  for (const sub of cmd.commands) {
    if (!sub.summary()) sub.summary(sub.description().split("\n")[0] ?? "");
    summarize(sub);
  }
}

/** commander parser for --timeout: seconds, > 0 (a bad value is a usage error, exit 2). */
export function positiveSeconds(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || value <= 0 || value > 3600) {
    throw new InvalidArgumentError("must be a number of seconds, more than 0 and at most 3600");
  }
  return value;
}

/**
 * Checks flag values with the API's own zod schema before sending them (lib/<domain>/schemas.ts),
 * so a malformed value is a usage error (exit 2) with the same words the server would use.
 * `flags` maps a schema field to the flag or argument that supplied it.
 */
export function parseFlags<S extends z.ZodType>(schema: S, input: unknown, flags: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join(".") ?? "";
  throw new UsageError(`${flags[field] ?? field}: ${issue?.message ?? "invalid value"}`.replace(/^: /, ""));
}
