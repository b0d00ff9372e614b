/**
 * Long-lived client connections (WebSocket, SSE, multipart) in this process, for every streaming transport at
 * once: `subscriptions.maxConnections` bounds them together (each holds a socket and buffers; a flood of idle
 * ones would starve the rest), and on shutdown every one is told to close.
 */
export class StreamConnections {
  private readonly closers = new Set<(reason: 'shutdown') => void>();
  private closing = false;

  constructor(private readonly max: number) {}

  /** Connections open now. */
  get open(): number {
    return this.closers.size;
  }

  /**
   * Takes a slot for a new connection; `undefined` when the bound is reached or the gateway is stopping (the
   * transport refuses it). `close` is called on shutdown; the returned function frees the slot (call it once,
   * when the connection has closed).
   */
  tryOpen(close: (reason: 'shutdown') => void): (() => void) | undefined {
    if (this.closing || this.closers.size >= this.max) return undefined;
    this.closers.add(close);
    return () => void this.closers.delete(close);
  }

  /** Stopping: no new connection is taken, and each open one is asked to close. */
  closeAll(): void {
    this.closing = true;
    for (const close of [...this.closers]) close('shutdown');
  }

  get stopping(): boolean {
    return this.closing;
  }
}
