// The baseline: stock @apollo/gateway + @apollo/server exactly as their docs set them up, with no
// tuning, so the comparison is against what a typical deployment runs. The bench starts it with
// NODE_ENV=production and APOLLO_TELEMETRY_DISABLED=true.
//
// Usage: node dist/bench/stockGateway.js --supergraph <file.graphql> --port <p> [--host 127.0.0.1]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { withoutSecurityFeatures } from './stockSupergraph';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { supergraph: { type: 'string' }, port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } },
    strict: true,
  });
  const port = Number(values.port);
  if (!values.supergraph || !Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error('Usage: stockGateway --supergraph <file.graphql> --port <port> [--host <host>]');
    process.exit(2);
  }
  const supergraphSdl = readFileSync(values.supergraph, 'utf8');
  const gateway = new ApolloGateway({ supergraphSdl: withoutSecurityFeatures(supergraphSdl) });
  const server = new ApolloServer({ gateway });
  // Apollo Server stops itself on SIGTERM/SIGINT (stopOnTerminationSignals defaults on outside tests).
  const { url } = await startStandaloneServer(server, { listen: { port, host: values.host } });
  console.log(`stock gateway: ${url}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
