// Builds the headroom CLI into one plain-JavaScript ES module, cli/dist/headroom.mjs
// (`npm run build:cli`; `--outfile <path>` builds elsewhere, as the tests do). Everything is
// bundled (commander, zod, the shared lib/ schemas and the limit simulator), so the file runs
// with nothing but Node ≥ 20.
import path from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const here = import.meta.dirname;
const { values } = parseArgs({ options: { outfile: { type: "string" } } });
const outfile = path.resolve(values.outfile ?? path.join(here, "dist", "headroom.mjs"));

await build({
  entryPoints: [path.join(here, "src", "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  tsconfig: path.join(here, "..", "tsconfig.json"),
  // Bundled CommonJS dependencies (commander) call require() for Node built-ins.
  banner: { js: "import { createRequire as __headroomRequire } from 'node:module';\nconst require = __headroomRequire(import.meta.url);" },
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});
console.log(`built ${path.relative(process.cwd(), outfile)}`);
