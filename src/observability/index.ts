export { createLogger, apolloLogger, type Logger } from './logger';
