export type { CostIndex, ListSizeInfo, CostOptions, CostEstimate } from './types';
export { costIndexOf } from './costIndex';
export { estimateCost } from './estimate';
export { actualCost } from './actual';
