export { LruMap } from './lruMap';
