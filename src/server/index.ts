export { startJunction, type Junction, type StartOptions } from './junction';
export { superviseWorkers, workerCount, isWorker, announceListening } from './supervisor';
export { applyHeapGrowth, describeHeapGrowth, heapGrowthFor, type HeapGrowth } from './heapGrowth';
