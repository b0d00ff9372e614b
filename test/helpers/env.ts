// Every process Junction starts keeps Apollo's telemetry off; tests are such processes too.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
