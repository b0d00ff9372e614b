export type { RequestContext } from './requestContext';
