// data: URIs (RFC 2397) have one decoder (lib/audio/data-uri.ts) for every path that takes them:
// the library's audio input and the workers' fetchAudio give the same bytes and the same typed
// errors. The reference for percent-encoding is the definition: %XX is the octet XX.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeDataUri, EngineError, fetchAudio, load, type Engine } from '../lib/index.js';

const RECORDING = readFileSync(join(__dirname, '..', 'examples', '001040067.flac'));
const percentEncoded = (bytes: Uint8Array) => Array.from(bytes, (b) => `%${b.toString(16).padStart(2, '0')}`).join('');

let engine: Engine;
beforeAll(async () => {
  engine = await load(join(__dirname, '..', 'models', 'default'));
});

async function failure(call: () => unknown): Promise<EngineError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected a failure');
}

describe('data: URIs', () => {
  it('decode to the same bytes through the library and fetchAudio: base64, URL-safe base64, any-case scheme, percent-encoded octets', async () => {
    const bytes = Uint8Array.from([0x52, 0x49, 0x46, 0x46, 0x00, 0xff, 0xfe, 0x80, 0x7f, 0x2b, 0x2f]);
    const cases: [string, Uint8Array][] = [
      [`data:audio/wav;base64,${Buffer.from(bytes).toString('base64')}`, bytes],
      [`data:audio/wav;base64,${Buffer.from(bytes).toString('base64url')}`, bytes],
      [`DATA:audio/wav;BASE64,${Buffer.from(bytes).toString('base64')}`, bytes],
      [`data:audio/wav,${percentEncoded(bytes)}`, bytes],
      ['data:,RIFF%00%01', Uint8Array.from([0x52, 0x49, 0x46, 0x46, 0, 1])],
      // Characters that are not escapes stand for their UTF-8 octets.
      ['data:,a%C3%A9é', Uint8Array.from([0x61, 0xc3, 0xa9, 0xc3, 0xa9])],
    ];
    for (const [uri, expected] of cases) {
      expect(Array.from(decodeDataUri(uri).bytes), uri.slice(0, 40)).toEqual(Array.from(expected));
      expect(Array.from((await fetchAudio(uri)).bytes), uri.slice(0, 40)).toEqual(Array.from(expected));
    }
    expect(decodeDataUri('data:audio/flac;base64,AAAA').contentType).toBe('audio/flac');
  });

  it('is audio the engine assesses alike, percent-encoded or base64', async () => {
    const base64 = await engine.recognize(`data:audio/flac;base64,${RECORDING.toString('base64')}`);
    const percent = await engine.recognize(`data:audio/flac,${percentEncoded(RECORDING)}`);
    expect(percent).toEqual(base64);
  });

  it('with a malformed percent-escape, is INVALID_INPUT from the library (it was INTERNAL) and from fetchAudio', async () => {
    for (const uri of ['data:audio/wav,RIFF%ZZ', 'data:audio/wav,RIFF%2', 'data:audio/wav,%', 'data:audio/wav,%E0%A4%A']) {
      const fromLibrary = await failure(() => engine.recognize(uri));
      const fromFetch = await failure(() => fetchAudio(uri));
      expect(fromLibrary.code, uri).toBe('INVALID_INPUT');
      expect(fromLibrary.message).toMatch(/malformed percent-escape/);
      expect(fromFetch.toJSON()).toEqual(fromLibrary.toJSON());
    }
  });

  it('other malformed ones are INVALID_INPUT alike, and the cap is AUDIO_TOO_LARGE', async () => {
    for (const uri of ['data:audio/wav;base64', 'data:audio/wav;base64,@@@not base64@@@', 'data:audio/wav;base64,']) {
      const fromLibrary = await failure(() => engine.recognize(uri));
      expect(fromLibrary.code, uri).toBe('INVALID_INPUT');
      expect((await failure(() => fetchAudio(uri))).toJSON()).toEqual(fromLibrary.toJSON());
    }
    expect((await failure(() => decodeDataUri(`data:,${'%00'.repeat(101)}`, 100))).code).toBe('AUDIO_TOO_LARGE');
    expect(decodeDataUri(`data:,${'%00'.repeat(100)}`, 100).bytes.length).toBe(100);
  });
});
