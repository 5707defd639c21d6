import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Paths redacted from every log line: secrets (keys, tokens, auth headers) and LLM payloads
 * (prompts and completions can hold proprietary code). Censored, not removed, so a reader
 * sees that a value existed.
 */
export const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.headers["x-api-key"]',
  'prompt',
  '*.prompt',
  'completion',
  '*.completion',
  'messages',
  '*.messages',
  'system',
  '*.system',
  'ANTHROPIC_API_KEY',
  '*.ANTHROPIC_API_KEY',
  'MGE_ADMIN_TOKEN',
  '*.MGE_ADMIN_TOKEN',
  'MGE_JWT_SECRET',
  '*.MGE_JWT_SECRET',
  'MGE_SMTP_URL',
  '*.MGE_SMTP_URL',
  '*.jwtSecret',
  '*.smtpUrl',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

export type { Logger };

export interface LoggerSettings {
  level?: LoggerOptions['level'];
  /** Component name, e.g. `executor`. */
  name?: string;
  /** Where lines go; defaults to stdout. CLIs that print results on stdout log to stderr. */
  destination?: pino.DestinationStream | 'stderr';
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { pid: process.pid, ...(settings.name ? { role: settings.name } : {}) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (settings.destination === 'stderr') return pino(options, pino.destination(2));
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
