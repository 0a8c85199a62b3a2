// A TCP proxy in front of Redis that a test can cut (connection refused), hang (accepts, forwards
// nothing) and restore — a Redis outage without touching the Redis other tests use.
import net from "node:net";

export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private hung = false;
  /** Cut when the server answers a connection that sent this text (see cutWhenAnswered). */
  private cutOnAnswer: string | null = null;
  private cutOnSend: string | null = null;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<void> {
    this.hung = false;
    this.cutOnAnswer = null;
    this.cutOnSend = null;
    this.server = net.createServer((client) => this.pipe(client));
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Closes the listener and every connection: clients see a dead server, then refused connects. */
  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /**
   * Once a client sends something containing `marker`, cuts everything (as cut()) the moment the
   * server answers that connection, before the answer reaches the client: a statement the server ran
   * — and committed — whose client only sees its connection lost.
   */
  cutWhenAnswered(marker: string): void {
    this.cutOnAnswer = marker;
  }

  /** Cuts everything (as cut()) when a client sends something containing `marker`, forwarding none of it: a statement sent but never run. */
  cutWhenSent(marker: string): void {
    this.cutOnSend = marker;
  }

  /** Keeps connections open but stops forwarding: a hung server, only timeouts notice. */
  hang(): void {
    this.hung = true;
  }

  private pipe(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, this.targetHost);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    let marked = false;
    client.on("data", (chunk: Buffer) => {
      if (this.cutOnSend && chunk.includes(this.cutOnSend)) return void this.cut();
      if (this.cutOnAnswer && chunk.includes(this.cutOnAnswer)) marked = true;
      if (!this.hung) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (marked) return void this.cut();
      if (!this.hung) client.write(chunk);
    });
  }
}
