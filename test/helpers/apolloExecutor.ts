// Makes test gateways run every plan on @apollo/gateway's executor (see jest.config.js).
process.env.JUNCTION_TEST_EXECUTOR = 'apollo';
// @apollo/gateway's executor runs Apollo's plans (Hive's plans always run on Junction's executor): the planner too.
process.env.JUNCTION_TEST_PLANNER = 'apollo';
