// Runs the program and turns every outcome into an exit code: 0 ok, 1 API or user error, 2 usage
// error, 3 cannot reach the server. Errors are one line on stderr (`error: …` + the request id);
// with --output json an API error's body also goes to stdout unchanged.
import { CommanderError } from "commander";
import type { GlobalOptions } from "./context";
import { ApiError, CliError, EXIT, type ExitCode } from "./errors";
import { buildProgram } from "./program";
import { colorEnabled, makeStyle } from "./style";

export async function run(argv: readonly string[]): Promise<ExitCode> {
  const program = buildProgram();
  const errStyle = makeStyle(colorEnabled(process.stderr, process.env, argv.includes("--no-color") ? false : undefined));
  program.configureOutput({ outputError: (text, write) => write(errStyle.red(text)) });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end in a CommanderError too; everything else is a usage error.
      return err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof ApiError) {
      if (program.opts<GlobalOptions>().output === "json") process.stdout.write(`${JSON.stringify(err.body, null, 2)}\n`);
      const id = err.requestId ? errStyle.dim(` (request id ${err.requestId})`) : "";
      process.stderr.write(`${errStyle.red("error:")} ${err.message}${id}\n`);
      return err.exitCode;
    }
    if (err instanceof CliError) {
      process.stderr.write(`${errStyle.red("error:")} ${err.message}\n`);
      if (err.exitCode === EXIT.usage) process.stderr.write(errStyle.dim("(add --help for usage)\n"));
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${errStyle.red("error:")} unexpected: ${message}\n`);
    return EXIT.error;
  }
}
