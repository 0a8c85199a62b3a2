// What every command gets: the resolved global options (output format, colours, base URL, API
// key) and the ways to print. Resolution order — flag, then environment, then `headroom login`'s
// file, then the default — with one safety rule: a saved key is only sent to the URL it was saved for.
import type { Command } from "commander";
import { version } from "../../package.json";
import { ApiClient } from "./client";
import { configPath, readConfig, type StoredConfig } from "./config";
import { CliError, UsageError } from "./errors";
import { colorEnabled, makeStyle, type Style } from "./style";

export const DEFAULT_BASE_URL = "http://localhost:3000";

export interface GlobalOptions {
  apiKey?: string;
  baseUrl?: string;
  output: "table" | "json";
  color?: boolean;
  timeout: number;
}

export interface Context {
  output: "table" | "json";
  /** Colours for stdout and stderr. */
  style: Style;
  errStyle: Style;
  baseUrl: string;
  /** Where `headroom login` keeps the key. */
  configFile: string;
  /** The key from --api-key / HEADROOM_API_KEY (not the saved one). */
  explicitApiKey: string | undefined;
  timeoutMs: number;
  /** A client with the resolved API key; throws when there is none. */
  client(): ApiClient;
  clientWithKey(apiKey: string): ApiClient;
  /** A line on stdout (the result). */
  out(text: string): void;
  /** A line on stderr (notes for people: warnings, hints, progress). */
  note(text: string): void;
  /** The API's JSON as is, pretty-printed, on stdout. */
  json(value: unknown): void;
}

export function normalizeBaseUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`${source} must be an http(s) URL like http://localhost:3000, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${source} must be an http(s) URL like http://localhost:3000, got ${JSON.stringify(raw)}`);
  }
  if (url.search || url.hash) throw new UsageError(`${source} must not have a query or fragment, got ${JSON.stringify(raw)}`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

export function contextOf(cmd: Command): Context {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const env = process.env;
  const style = makeStyle(colorEnabled(process.stdout, env, opts.color));
  const errStyle = makeStyle(colorEnabled(process.stderr, env, opts.color));
  const note = (text: string) => void process.stderr.write(`${text}\n`);
  const file = configPath(env);

  let saved: StoredConfig | null | undefined;
  const loadSaved = () => (saved === undefined ? (saved = readConfig(file, (line) => note(errStyle.yellow(line)))) : saved);

  // --base-url / HEADROOM_BASE_URL win; else the URL saved with the login; else the default.
  // Resolved lazily, so offline commands (simulate-limits) never read the login file.
  let resolvedBaseUrl: string | undefined;
  const baseUrl = () => {
    if (resolvedBaseUrl !== undefined) return resolvedBaseUrl;
    const source = cmd.getOptionValueSourceWithGlobals("baseUrl") === "env" ? "HEADROOM_BASE_URL" : "--base-url";
    resolvedBaseUrl = opts.baseUrl
      ? normalizeBaseUrl(opts.baseUrl, source)
      : normalizeBaseUrl(loadSaved()?.baseUrl ?? DEFAULT_BASE_URL, `the baseUrl in ${file}`);
    return resolvedBaseUrl;
  };
  const timeoutMs = Math.round(opts.timeout * 1000);
  const userAgent = `headroom-cli/${version} node/${process.versions.node}`;
  const clientWithKey = (apiKey: string) => new ApiClient({ baseUrl: baseUrl(), apiKey, timeoutMs, userAgent });

  return {
    output: opts.output,
    style,
    errStyle,
    get baseUrl() {
      return baseUrl();
    },
    configFile: file,
    explicitApiKey: opts.apiKey?.trim() || undefined,
    timeoutMs,
    clientWithKey,
    client() {
      const explicit = opts.apiKey?.trim();
      if (explicit) return clientWithKey(explicit);
      const login = loadSaved();
      if (!login) {
        throw new CliError(`not logged in: run \`headroom login\`, pass --api-key or set HEADROOM_API_KEY`);
      }
      // Never send a key to a server it was not saved for (a --base-url typo, a hostile URL).
      if (normalizeBaseUrl(login.baseUrl, `the baseUrl in ${file}`) !== baseUrl()) {
        throw new CliError(
          `the saved login is for ${login.baseUrl}, not ${baseUrl()}: run \`headroom login --base-url ${baseUrl()}\`, or pass --api-key`,
        );
      }
      return clientWithKey(login.apiKey);
    },
    out: (text) => void process.stdout.write(`${text}\n`),
    note,
    json: (value) => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}
