import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger';

/**
 * What one request did, filled in along the way (HTTP layer, Apollo Server plugin, gateway) and logged as one
 * access-log line when the response is finished. Only facts safe to log: no header values, no tokens, no
 * variables, no operation text.
 */
export interface RequestFacts {
  readonly requestId: string;
  operationName?: string | undefined;
  /** sha256 of the operation text (Apollo Server's query hash). */
  operationHash?: string | undefined;
  operationType?: string | undefined;
  clientName?: string | undefined;
  clientVersion?: string | undefined;
  /** Estimated cost (demand control). */
  cost?: number | undefined;
  /** `hit` / `miss` with the response cache on. */
  cache?: 'hit' | 'miss' | undefined;
  /** The subgraphs the plan fetched from. */
  subgraphs?: readonly string[] | undefined;
  /** Error codes answered. */
  errors?: readonly string[] | undefined;
  /** Which supergraph served it (`stable` / `canary`) and that supergraph's id (first 12 hex digits). */
  variant?: string | undefined;
  supergraph?: string | undefined;
  /** Parts written of a multipart answer (`@defer` parts, subscription events; heartbeats aside). */
  parts?: number | undefined;
}

/**
 * A new id (a UUID) as one flat string. Node builds randomUUID()'s result by concatenation: kept as it is, each id
 * is a tree of ~30 string pieces (~1 KiB), and ids live as long as the subscriptions and connections they name.
 */
export function newId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

// A client's id is kept when it is a reasonable token (it is logged and echoed): else a new one is made.
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * Starts a request's record: its id (the client's valid `x-request-id`, else a new UUID), echoed in the
 * `x-request-id` response header, and when `log` is on, one access-log line once the response is finished.
 */
export function beginRequest(req: IncomingMessage, res: ServerResponse, logger: Logger, log: boolean): RequestFacts {
  const sent = req.headers['x-request-id'];
  const requestId = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : newId();
  res.setHeader('x-request-id', requestId);
  const record: RequestFacts = { requestId };
  if (log) {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      logger.info(
        {
          requestId,
          method: req.method,
          path: (req.url ?? '/').split('?')[0],
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          operationName: record.operationName,
          operationHash: record.operationHash,
          operationType: record.operationType,
          clientName: record.clientName,
          clientVersion: record.clientVersion,
          cost: record.cost,
          cache: record.cache,
          subgraphs: record.subgraphs,
          variant: record.variant,
          supergraph: record.supergraph,
          errors: record.errors,
          parts: record.parts,
        },
        'request',
      );
    });
  }
  return record;
}


/** How a streamed operation (one on a long-lived connection) ended, for its access-log line. */
export interface OperationOutcome {
  /** Results delivered (`next` messages / events). */
  events: number;
  /** `complete` (the operation finished), `client` (the client unsubscribed or left), or the ending error's code. */
  reason: string;
}

/**
 * Starts the record of one operation on a long-lived connection (a WebSocket `subscribe`): no HTTP response
 * carries it, so its access-log line is written by `end`, once, when the operation ends (a query's single
 * result, or a subscription's last event), with the events delivered and why it ended.
 */
export function beginOperation(logger: Logger, log: boolean, transport: string, connectionId: string): { facts: RequestFacts; end(outcome: OperationOutcome): void } {
  const facts: RequestFacts = { requestId: newId() };
  const started = process.hrtime.bigint();
  let ended = false;
  return {
    facts,
    end(outcome) {
      if (ended || !log) return;
      ended = true;
      logger.info(
        {
          requestId: facts.requestId,
          transport,
          connectionId,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          operationName: facts.operationName,
          operationHash: facts.operationHash,
          operationType: facts.operationType,
          clientName: facts.clientName,
          clientVersion: facts.clientVersion,
          cost: facts.cost,
          subgraphs: facts.subgraphs,
          variant: facts.variant,
          supergraph: facts.supergraph,
          events: outcome.events,
          reason: outcome.reason,
          errors: facts.errors,
        },
        'request',
      );
    },
  };
}
