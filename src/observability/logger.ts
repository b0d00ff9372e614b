import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout. Secrets are redacted by path so a header dump can never leak a token.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'junction' },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.authorization', '*.cookie'], censor: '[redacted]' },
    },
    destination,
  );
}

/** Apollo Server's logger interface, backed by ours. */
export function apolloLogger(logger: Logger): { debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string): void } {
  return {
    debug: (m) => logger.debug(m),
    info: (m) => logger.info(m),
    warn: (m) => logger.warn(m),
    error: (m) => logger.error(m),
  };
}
