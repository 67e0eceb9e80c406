// The one decoder of data: URIs (RFC 2397) and base64 audio, for every path that takes them:
// the library's audio input, the workers' audio_uri and audio_base64, the web page's API.
// The payload is base64 (standard or URL-safe, whitespace ignored) after ";base64", else
// percent-encoded octets. Malformed input is INVALID_INPUT naming what is wrong; audio over the
// cap is AUDIO_TOO_LARGE, checked from the text's length before decoding it.
import { EngineError } from '../errors.js';
import { audioTooLarge } from './limits.js';

export interface DataUriAudio {
  bytes: Uint8Array;
  /** The media type the URI declares, if any (e.g. "audio/flac"). */
  contentType?: string;
}

/** True for a string whose scheme is data: (any case). */
export function isDataUri(text: string): boolean {
  return /^data:/i.test(text);
}

/** Bytes a base64 text decodes to (ignoring whitespace), without decoding it. */
function base64DecodedLength(text: string): number {
  const compact = text.replace(/\s+/g, '');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.floor((compact.length * 3) / 4) - padding;
}

/** Decodes base64 audio (the audio_base64 field or a data: URI's payload) under the size cap. */
export function decodeBase64Audio(text: string, maxBytes = Infinity, field = 'audio_base64'): Uint8Array {
  if (base64DecodedLength(text) > maxBytes) throw audioTooLarge(maxBytes);
  if (!/^[A-Za-z0-9+/_\-\s]*={0,2}\s*$/.test(text)) {
    throw new EngineError('INVALID_INPUT', `${field} is not valid base64; send the encoded audio file (WAV, FLAC, OGG, MP3, WebM, MP4) as standard or URL-safe base64`);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) throw new EngineError('INVALID_INPUT', `${field} is empty; send the encoded audio file as base64`);
  return bytes;
}

function hexValue(code: number | undefined): number {
  if (code === undefined) return -1;
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** Percent-encoded octets -> bytes: %XX is the byte XX, any other character its UTF-8 bytes. */
function percentDecode(text: string): Uint8Array {
  const raw = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x25) {
      out[n++] = raw[i];
      continue;
    }
    const high = hexValue(raw[i + 1]);
    const low = hexValue(raw[i + 2]);
    if (high < 0 || low < 0) {
      throw new EngineError('INVALID_INPUT', `The data: URI has a malformed percent-escape "${text.slice(i, i + 3)}" (a % must be followed by two hex digits); use ;base64 for binary audio`);
    }
    out[n++] = high * 16 + low;
    i += 2;
  }
  return out.subarray(0, n);
}

/** A data: URI's bytes and media type, under the size cap (none by default). */
export function decodeDataUri(uri: string, maxBytes = Infinity): DataUriAudio {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(uri);
  if (!match) throw new EngineError('INVALID_INPUT', 'Malformed data: URI; expected data:audio/<type>;base64,<data>');
  const contentType = match[1] || undefined;
  if (match[2]) return { bytes: decodeBase64Audio(match[3], maxBytes, 'The data: URI'), contentType };
  // Percent-encoded: every 3 characters give at least one byte, so a payload this long is over the cap.
  if (match[3].length > 3 * maxBytes) throw audioTooLarge(maxBytes);
  const bytes = percentDecode(match[3]);
  if (bytes.length > maxBytes) throw audioTooLarge(maxBytes);
  return { bytes, contentType };
}
