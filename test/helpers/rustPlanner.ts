// Makes test gateways plan with Hive Router's query planner (queryPlan.planner: rust; see jest.config.js).
process.env.JUNCTION_TEST_PLANNER = 'rust';
