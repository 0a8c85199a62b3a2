// One-line JSON logs. Never log secrets: callers pass ids, not keys or passwords.
type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function threshold(): number {
  const configured = (process.env.HEADROOM_LOG_LEVEL ?? "info") as Level | "silent";
  return ORDER[configured] ?? ORDER.info;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold()) return;
  const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }, (_k, v) =>
    typeof v === "bigint" ? v.toString() : v,
  );
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};

/**
 * An error in one line for a log field. Prisma's messages start with an empty line, then where the
 * call was made and the code around it; what went wrong is their last line.
 */
export function errorSummary(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const lines = err.message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const line = (/^Invalid `/.test(lines[0] ?? "") ? lines[lines.length - 1] : lines[0]) ?? err.name;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
