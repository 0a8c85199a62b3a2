// Private dependencies for fault injection: a PostgreSQL cluster (initdb into a temp folder, its own
// port and socket) and a redis-server on its own port, which the fault tests stop and restart at
// will. NEVER the shared services on 5432/6379: other engineers' tests and CI use those.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** The newest PostgreSQL installed the Debian way (/usr/lib/postgresql/<major>/bin), unless HEADROOM_PG_BIN says. */
function installedPgBin(): string {
  const root = "/usr/lib/postgresql";
  const majors = fs.existsSync(root)
    ? fs.readdirSync(root).filter((d) => /^\d+$/.test(d) && fs.existsSync(path.join(root, d, "bin", "initdb")))
    : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? path.join(root, newest, "bin") : path.join(root, "15", "bin");
}
const PG_BIN = process.env.HEADROOM_PG_BIN ?? installedPgBin();
const SHARED_PORTS = new Set([5432, 6379]);

/** initdb and pg_ctl refuse to run as root: run them as the postgres user then. */
function asPostgres(cmd: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", cmd, ...args] : [cmd, ...args];
}

function run(argv: string[], opts: { allowFail?: boolean } = {}): { status: number; out: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${argv.join(" ")} failed (${r.status}):\n${out}`);
  return { status: r.status ?? -1, out };
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

export async function pickPort(preferred: number): Promise<number> {
  for (let p = preferred; p < preferred + 200; p++) if (!SHARED_PORTS.has(p) && (await portFree(p))) return p;
  throw new Error(`no free port near ${preferred}`);
}

export class PrivatePostgres {
  readonly dir: string;
  private constructor(
    readonly port: number,
    private readonly root: string,
  ) {
    this.dir = path.join(root, "data");
  }

  static async create(preferredPort = 55432): Promise<PrivatePostgres> {
    const port = await pickPort(preferredPort);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "headroom-faults-pg-"));
    fs.chmodSync(root, 0o777);
    const pg = new PrivatePostgres(port, root);
    if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", root]);
    run(asPostgres(`${PG_BIN}/initdb`, ["-D", pg.dir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]));
    // Fast restarts: no fsync (a test cluster), small shared memory, enough connections for the pools.
    fs.appendFileSync(
      path.join(pg.dir, "postgresql.conf"),
      `\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 100\nshared_buffers = 64MB\n`,
    );
    pg.start();
    return pg;
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  urlFor(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  start(): void {
    run(
      asPostgres(`${PG_BIN}/pg_ctl`, [
        "-D",
        this.dir,
        "-l",
        path.join(this.root, "log"),
        "-w",
        "-t",
        "30",
        "-o",
        `-k /tmp -p ${this.port}`,
        "start",
      ]),
    );
  }

  /** Fast shutdown: open connections are terminated, like a failover or a crash of the server. */
  stop(mode: "fast" | "immediate" = "fast"): void {
    run(asPostgres(`${PG_BIN}/pg_ctl`, ["-D", this.dir, "-m", mode, "-w", "-t", "30", "stop"]), { allowFail: true });
  }

  destroy(): void {
    this.stop("immediate");
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export class PrivateRedis {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async create(preferredPort = 56379): Promise<PrivateRedis> {
    const port = await pickPort(preferredPort);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "headroom-faults-redis-"));
    const r = new PrivateRedis(port, dir);
    r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  start(): void {
    run([
      "redis-server",
      "--port",
      String(this.port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "yes",
      "--dir",
      this.dir,
      "--pidfile",
      path.join(this.dir, "redis.pid"),
    ]);
    for (let i = 0; i < 100; i++) {
      if (run(["redis-cli", "-p", String(this.port), "ping"], { allowFail: true }).out.includes("PONG")) return;
      spawnSync("sleep", ["0.05"]);
    }
    throw new Error("private redis did not answer");
  }

  stop(): void {
    run(["redis-cli", "-p", String(this.port), "shutdown", "nosave"], { allowFail: true });
    for (let i = 0; i < 100; i++) {
      if (!run(["redis-cli", "-p", String(this.port), "ping"], { allowFail: true }).out.includes("PONG")) return;
      spawnSync("sleep", ["0.05"]);
    }
  }

  keys(pattern: string): string[] {
    return run(["redis-cli", "-p", String(this.port), "--scan", "--pattern", pattern], { allowFail: true })
      .out.split("\n")
      .filter(Boolean);
  }

  destroy(): void {
    this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
