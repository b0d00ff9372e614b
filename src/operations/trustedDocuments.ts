import type { ManifestOperation } from './manifest';

/** One listed operation body and the clients it is listed for (undefined: every client). */
export interface TrustedEntry {
  readonly body: string;
  readonly name: string | undefined;
  readonly clients: ReadonlySet<string> | undefined;
}

/**
 * Every operation of every loaded manifest, looked up by id and by body. Immutable: a reload builds a new
 * index and swaps it in whole, so a request never sees half of one manifest and half of another.
 */
export class TrustedDocuments {
  private constructor(
    private readonly byId: ReadonlyMap<string, TrustedEntry>,
    private readonly byBody: ReadonlyMap<string, TrustedEntry>,
  ) {}

  static readonly EMPTY = new TrustedDocuments(new Map(), new Map());

  /**
   * Merges manifests. The same id in two manifests must name the same body (else it is a conflict and the
   * merge fails); its clients are the union. An operation without clientName is for every client.
   */
  static merge(manifests: ReadonlyArray<readonly ManifestOperation[]>): { ok: true; documents: TrustedDocuments } | { ok: false; problems: string[] } {
    const byId = new Map<string, { body: string; name: string | undefined; clients: Set<string> | undefined }>();
    const problems: string[] = [];
    for (const operations of manifests) {
      for (const op of operations) {
        const known = byId.get(op.id);
        if (!known) {
          byId.set(op.id, { body: op.body, name: op.name, clients: op.clientName === undefined ? undefined : new Set([op.clientName]) });
        } else if (known.body !== op.body) {
          problems.push(`id "${op.id}" is listed in two manifests with different bodies`);
        } else if (known.clients) {
          if (op.clientName === undefined) known.clients = undefined;
          else known.clients.add(op.clientName);
        }
      }
    }
    if (problems.length > 0) return { ok: false, problems };
    const byBody = new Map<string, TrustedEntry>();
    for (const entry of byId.values()) {
      const other = byBody.get(entry.body);
      // One body under two ids: it is listed for the union of their clients.
      byBody.set(entry.body, other ? { ...entry, clients: unionClients(other.clients, entry.clients) } : entry);
    }
    return { ok: true, documents: new TrustedDocuments(byId, byBody) };
  }

  get size(): number {
    return this.byId.size;
  }

  /** The entry for an id, if it is listed for this client (or scoping is off). */
  byIdFor(id: string, clientName: string | undefined, scoped: boolean): TrustedEntry | undefined {
    return allowed(this.byId.get(id), clientName, scoped);
  }

  /** The entry whose body is byte-identical to `body`, if listed for this client (or scoping is off). */
  byBodyFor(body: string, clientName: string | undefined, scoped: boolean): TrustedEntry | undefined {
    return allowed(this.byBody.get(body), clientName, scoped);
  }

  /** Each distinct body once, with its name (for prewarming plans). */
  operations(): Iterable<TrustedEntry> {
    return this.byBody.values();
  }
}

function allowed(entry: TrustedEntry | undefined, clientName: string | undefined, scoped: boolean): TrustedEntry | undefined {
  if (!entry || !scoped || !entry.clients) return entry;
  return clientName !== undefined && entry.clients.has(clientName) ? entry : undefined;
}

function unionClients(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  return a && b ? new Set([...a, ...b]) : undefined;
}
