#!/usr/bin/env node
// The `headroom` command (package.json "bin"). Runs the built bundle, cli/dist/headroom.mjs
// (`npm run build:cli`), when it exists and is newer than every file in cli/src; otherwise runs the
// TypeScript sources through tsx. HEADROOM_CLI_FROM_SOURCE=1 forces the sources.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const cliDir = path.resolve(import.meta.dirname, "..");
const dist = path.join(cliDir, "dist", "headroom.mjs");
const sources = path.join(cliDir, "src");

function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function builtIsCurrent() {
  if (process.env.HEADROOM_CLI_FROM_SOURCE === "1") return false;
  try {
    const built = fs.statSync(dist).mtimeMs;
    return !fs.existsSync(sources) || built >= newestSourceMtime(sources);
  } catch {
    return false;
  }
}

if (builtIsCurrent()) {
  await import(pathToFileURL(dist).href);
} else {
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: path.join(cliDir, "..", "tsconfig.json") });
  await import(pathToFileURL(path.join(sources, "main.ts")).href);
}
