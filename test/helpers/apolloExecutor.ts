// Makes test gateways run every plan on @apollo/gateway's executor (see jest.config.js).
process.env.JUNCTION_TEST_EXECUTOR = 'apollo';
