export { startJunction, type Junction, type StartOptions } from './junction';
export { superviseWorkers, workerCount, isWorker, announceListening } from './supervisor';
export { applyHeapGrowth, heapGrowthFor, type HeapGrowth } from './heapGrowth';
