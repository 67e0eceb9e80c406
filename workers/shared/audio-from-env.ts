// What the workers read from the environment about audio: the caps (AUDIO_MAX_BYTES,
// AUDIO_MAX_DURATION_SEC), whether audio_uri may name private addresses (AUDIO_FETCH_ALLOW_PRIVATE=1),
// and where s3:// objects are read from (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / S3_ENDPOINT,
// AWS_REGION / AWS_DEFAULT_REGION, S3_FORCE_PATH_STYLE, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN). The library takes all of it as options (fetchAudio, load).
import { DEFAULT_MAX_AUDIO_BYTES, EngineError, type FetchAudioOptions, type S3Settings } from '../../lib/index.js';

export const DEFAULT_MAX_AUDIO_DURATION_SEC = 60;

/** "1", "true", "yes", "on" (any case) -> true; other values false; unset or empty -> undefined. */
function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return /^(1|true|yes|on)$/i.test(value.trim());
}

/** Size and duration caps: AUDIO_MAX_BYTES, AUDIO_MAX_DURATION_SEC. */
export function audioLimitsFromEnv(env: NodeJS.ProcessEnv): { maxBytes: number; maxDurationSec: number } {
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!(Number.isFinite(value) && value > 0)) throw new EngineError('INVALID_INPUT', `${name} must be a positive number, not "${raw}"`);
    return value;
  };
  return { maxBytes: number('AUDIO_MAX_BYTES', DEFAULT_MAX_AUDIO_BYTES), maxDurationSec: number('AUDIO_MAX_DURATION_SEC', DEFAULT_MAX_AUDIO_DURATION_SEC) };
}

/** The S3 endpoint, region, addressing and credentials (none: the SDK's default chain). */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv): S3Settings {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || env.S3_ENDPOINT || undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? 'auto' : 'us-east-1');
  // Path-style addressing (MinIO): on by default where a custom endpoint is set.
  const forcePathStyle = envFlag(env.S3_FORCE_PATH_STYLE) ?? endpoint !== undefined;
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
      : undefined;
  return { endpoint, region, forcePathStyle, credentials };
}

/** fetchAudio's options from the environment: private addresses and S3 settings. */
export function fetchOptionsFromEnv(env: NodeJS.ProcessEnv): Pick<FetchAudioOptions, 'allowPrivate' | 's3'> {
  return { allowPrivate: envFlag(env.AUDIO_FETCH_ALLOW_PRIVATE) ?? false, s3: s3SettingsFromEnv(env) };
}
