// JSON log lines on stderr, in the shape the RunPod SDK writes ({requestId, message, level}),
// so the platform's log view groups them by job. stdout stays free for --test-input output.
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

const RANK: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines carry this job id. */
  forJob(jobId: string): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  requestId?: string | null;
}

/** The level named by RUNPOD_DEBUG_LEVEL (runpod-python's variable), INFO by default. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const value = (env.RUNPOD_DEBUG_LEVEL ?? '').toUpperCase();
  if (value === 'WARNING') return 'WARN';
  return value in RANK ? (value as LogLevel) : 'INFO';
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'INFO';
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const requestId = options.requestId ?? null;
  const emit = (lineLevel: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (RANK[lineLevel] < RANK[level]) return;
    write(`${JSON.stringify({ requestId, message, level: lineLevel, time: new Date().toISOString(), ...fields })}\n`);
  };
  return {
    debug: (message, fields) => emit('DEBUG', message, fields),
    info: (message, fields) => emit('INFO', message, fields),
    warn: (message, fields) => emit('WARN', message, fields),
    error: (message, fields) => emit('ERROR', message, fields),
    forJob: (jobId) => createLogger({ level, write, requestId: jobId }),
  };
}
