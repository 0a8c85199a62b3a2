// The login file: $XDG_CONFIG_HOME/headroom/config.json (else ~/.config/headroom/config.json),
// holding the API key and the base URL it belongs to. Written atomically, file 0600 in a 0700
// directory, because it holds a secret.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { CliError } from "./errors";

const configSchema = z.object({
  baseUrl: z.string().min(1),
  apiKey: z.string().min(1),
});
export type StoredConfig = z.infer<typeof configSchema>;

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".config");
  return path.join(base, "headroom");
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), "config.json");
}

/** The saved login, or null when there is none. A file that is not ours is an error, not ignored. */
export function readConfig(file: string, warn: (line: string) => void): StoredConfig | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not valid JSON: run \`headroom login\` again (or delete the file)`);
  }
  const config = configSchema.safeParse(parsed);
  if (!config.success) throw new CliError(`${file} is not a headroom login file: run \`headroom login\` again (or delete the file)`);
  if (process.platform !== "win32") {
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077) warn(`warning: ${file} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
  }
  return config.data;
}

export function writeConfig(file: string, config: StoredConfig): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const temp = `${file}.${process.pid}.tmp`;
  fs.rmSync(temp, { force: true });
  // "wx": never write through a file (or symlink) someone else put there.
  fs.writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
}

/** Removes the login file; false when there was none. */
export function removeConfig(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new CliError(`cannot remove ${file}: ${(err as Error).message}`);
  }
}
