// Makes test gateways plan with @apollo/query-planner (queryPlan.planner: apollo; the default is rust — see jest.config.js).
process.env.JUNCTION_TEST_PLANNER = 'apollo';
