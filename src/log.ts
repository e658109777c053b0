// One pino logger for the process. Secrets (tokens, keys, Authorization headers) are never passed to it.
import { pino } from 'pino';

export const log = pino({
  level: process.env.KAUTH_LOG_LEVEL ?? 'info',
  base: undefined,
  redact: { paths: ['*.authorization', '*.Authorization', '*.token', '*.key', '*.privateKey'], censor: '[redacted]' },
});

export type Logger = typeof log;
