// Entry point of the `headroom` CLI (bundled to cli/dist/headroom.mjs by cli/build.mjs).
import { run } from "./run";

process.exitCode = await run(process.argv.slice(2));
