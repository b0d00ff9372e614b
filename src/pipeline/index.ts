export type { RequestContext } from './requestContext';
export type { OperationRequest, Refusal, Stage } from './operationRequest';
export { createPipeline, type EngineResponse, type Engines, type PipelineAnswer, type PipelineOptions, type TransportFacts } from './pipeline';
export { createApolloServer, type ApolloServerExtras } from './engine';
export { resultJson, STREAMING_TRANSPORTS, type IncrementalPart, type OperationStream, type StreamItem, type StreamResult, type Transport } from './operationStream';
