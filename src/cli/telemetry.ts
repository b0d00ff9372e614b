// @apollo/gateway and @apollo/server phone home unless this is set; it must happen before they load,
// which is why every entry point imports this module first.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
