// Imported for its side effect before @apollo/server loads, so every process that runs a
// subgraph (the entry script, tests, the gateway's dev tooling) keeps Apollo telemetry off.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

export {};
