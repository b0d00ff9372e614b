import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSubgraphs, formatIssue } from '../../src/composition';
import { loadConfig, type Environment } from '../../src/config';
import { createLogger } from '../../src/observability';
import { startJunction, type Junction } from '../../src/server';

export interface GraphQLResult {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>; extensions?: Record<string, unknown> };
}

export interface TestGateway {
  junction: Junction;
  url: string;
  post(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>, operationName?: string): Promise<GraphQLResult>;
  stop(): Promise<void>;
}

/**
 * The config a test gateway runs with: port 0 on loopback, quiet logs, no file, an empty environment unless
 * given. A metrics listener of their own (production's default) gets port 0 too, so tests never contend for 9090.
 */
export function testConfig(yaml?: string, env: Environment = {}) {
  const executor = process.env.JUNCTION_TEST_EXECUTOR;
  if (executor) yaml = `${yaml ?? ''}\nexecution:\n  executor: ${executor}\n`;
  // JUNCTION_TEST_PLANNER (a jest project, see jest.config.js): the suite on the other planner.
  const planner = process.env.JUNCTION_TEST_PLANNER;
  if (planner) yaml = withPlanner(yaml ?? '', planner);
  const file = yaml === undefined ? undefined : writeTemp('gateway.yaml', yaml);
  const loaded = loadConfig({ file, env, overrides: { port: 0, host: '127.0.0.1', metricsPort: 0 } });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.value;
}

/** Composes the given subgraphs and starts Junction in-process over the result. */
export async function startGatewayFor(subgraphs: ReadonlyArray<{ name: string; url: string; sdl: string }>, yaml?: string, env?: Environment): Promise<TestGateway> {
  const composed = composeSubgraphs(subgraphs);
  if (!composed.ok) throw new Error(`composition failed:\n${composed.errors.map(formatIssue).join('\n')}`);
  return startGatewayOn({ sdl: composed.supergraphSdl }, yaml, env);
}

export async function startGatewayOn(supergraph: { sdl: string } | { path: string }, yaml?: string, env?: Environment): Promise<TestGateway> {
  const junction = await startJunction({ config: testConfig(yaml, env), supergraph, logger: createLogger('silent') });
  await junction.ready;
  return {
    junction,
    url: junction.url,
    post: (query, variables, headers = {}, operationName) => postGraphQL(junction.url, { query, variables, operationName }, headers),
    stop: () => junction.stop(),
  };
}

export async function postGraphQL(url: string, body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResult> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: GraphQLResult['body'];
  try {
    parsed = JSON.parse(text) as GraphQLResult['body'];
  } catch {
    throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body: parsed };
}


export function writeTemp(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'junction-test-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/**
 * The planner test gateways plan with: JUNCTION_TEST_PLANNER (a jest project sets it), else the default
 * (`queryPlan.planner`: rust). Conformance cases whose answer depends on the planner ask this.
 */
export function testPlanner(): 'apollo' | 'rust' {
  return process.env.JUNCTION_TEST_PLANNER === 'apollo' ? 'apollo' : 'rust';
}

/** Adds `queryPlan.planner` to a test's gateway.yaml, inside its `queryPlan` section when it has one. */
function withPlanner(yaml: string, planner: string): string {
  if (/^queryPlan:/m.test(yaml)) return yaml.replace(/^queryPlan:\n/m, `queryPlan:\n  planner: ${planner}\n`);
  return `${yaml}\nqueryPlan:\n  planner: ${planner}\n`;
}
