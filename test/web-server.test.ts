// The web page's server (web/server.ts) over real HTTP on loopback, with the bundled model and the
// committed example recording: its static files, its JSON API, caps and typed errors, and the CLI
// command that starts it.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load, type Engine } from '../lib/engine.js';
import { generateIpa } from '../lib/g2p/generate-ipa.js';
import { parseTargetIpa } from '../lib/phonetics/ipa.js';
import { startWebServer, type RunningWebServer } from '../web/server.js';
import { contractViolations } from './helpers/contract.js';

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', '001040067.flac');
const RECORDING = readFileSync(EXAMPLE);
const TARGET = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ';
const CLI = join(ROOT, 'dist', 'lib', 'cli.js');

let engine: Engine;
let server: RunningWebServer;

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A 16-bit PCM mono WAV read field by field (independent of lib/audio/wav.ts). */
function readWav(bytes: Buffer) {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  expect(bytes.readUInt16LE(20)).toBe(1);
  expect(bytes.toString('ascii', 36, 40)).toBe('data');
  const samples = new Int16Array(bytes.readUInt32LE(40) / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(44 + 2 * i);
  return { channels: bytes.readUInt16LE(22), sampleRate: bytes.readUInt32LE(24), bits: bytes.readUInt16LE(34), samples };
}

/** A WAV of `seconds` of digital silence, written by sox. */
function soxSilence(seconds: number): Buffer {
  const run = spawnSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', '-t', 'wav', '-', 'trim', '0', String(seconds)]);
  expect(run.status, String(run.stderr)).toBe(0);
  return run.stdout;
}

beforeAll(async () => {
  engine = await load();
  server = await startWebServer({ engine, generateIpa, maxBytes: 2_000_000, maxDurationSec: 20, host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
});

describe('the page and its files', () => {
  it('serves the page and every file it links, each from this server, under a same-origin content security policy', async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    const linked = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((url) => !url.startsWith('data:'));
    expect(linked.sort()).toEqual(['/app.js', '/style.css']);
    // The scripts import each other by relative path; follow every import.
    const seen = new Set<string>();
    const queue = [...linked];
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const response = await fetch(new URL(path, server.url));
      expect(response.status, path).toBe(200);
      const text = await response.text();
      for (const m of text.matchAll(/from '\.\/([^']+)'/g)) queue.push(`/${m[1]}`);
    }
    expect([...seen].sort()).toEqual(['/api.js', '/app.js', '/player.js', '/result-view.js', '/style.css', '/waveform.js']);
  });

  it('refers to nothing outside the server: no absolute URL in any of its files', () => {
    const dir = join(ROOT, 'web', 'static');
    for (const name of ['index.html', 'app.js', 'api.js', 'player.js', 'result-view.js', 'waveform.js', 'style.css']) {
      const text = readFileSync(join(dir, name), 'utf8');
      expect(text, name).not.toMatch(/\b(?:https?:)?\/\/[a-z0-9-]+\.[a-z]/i);
      expect(text, name).not.toMatch(/@import|url\((?!data:)/);
    }
  });

  it('answers unknown paths, wrong methods, non-JSON bodies and foreign Host names with typed JSON errors', async () => {
    const missing = await fetch(new URL('/etc/passwd', server.url));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('INVALID_INPUT');
    const traversal = await fetch(new URL('/%2e%2e/package.json', server.url));
    expect(traversal.status).toBe(404);
    expect((await fetch(new URL('/api/assess', server.url))).status).toBe(405);
    const notJson = await post(server.url, '/api/ipa', 'text=hello', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(notJson.status).toBe(415);
    const badJson = await post(server.url, '/api/ipa', '{"text": ');
    expect(badJson).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    // A page on another site reaching this port through DNS rebinding sends its own Host name.
    // (fetch sets Host itself, so node:http sends this one.)
    const rebound = await new Promise<number>((resolve, reject) => {
      http.get(new URL('/api/info', server.url), { headers: { host: 'attacker.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(rebound).toBe(403);
  });
});

describe('the JSON API', () => {
  it('info names the model, its phones and the caps', async () => {
    const info = await (await fetch(new URL('/api/info', server.url))).json();
    expect(info).toMatchObject({ model: engine.manifest.name, sample_rate: 16000, max_bytes: 2_000_000, max_duration_sec: 20 });
    expect(info.phones.sort()).toEqual(engine.phones.sort());
    expect(info.languages).toContainEqual(expect.objectContaining({ language: 'en-us' }));
  });

  it('ipa gives generateIpa\'s output, with the g2p worker\'s validation', async () => {
    const answer = await post(server.url, '/api/ipa', { text: 'Layla is good at surfing', language: 'en-us' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(await generateIpa({ text: 'Layla is good at surfing', language: 'en-us' }));
    // casing reaches generateIpa: "US" read as letters on request, as a word otherwise.
    const letters = await post(server.url, '/api/ipa', { text: 'the US army', language: 'en-us', casing: 'letters' });
    const words = await post(server.url, '/api/ipa', { text: 'the US army', language: 'en-us', casing: 'words' });
    expect(letters.body).toEqual(await generateIpa({ text: 'the US army', language: 'en-us' }, { casing: 'letters' }));
    expect(words.body.words[1].ipa).not.toBe(letters.body.words[1].ipa);
    const unknown = await post(server.url, '/api/ipa', { text: 'hello', language: 'en-us', voice: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/unknown field "voice".*accepted: text, language, audio_uri/);
    const fetches = await post(server.url, '/api/ipa', { text: 'hello', language: 'en-us', audio_uri: 'https://example.com/a.wav' });
    expect(fetches.body.error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'audio_uri' } });
  });

  it('target gives the model phones and words, or IPA_INVALID naming the symbol and its offset', async () => {
    const ok = await post(server.url, '/api/target', { target_ipa: TARGET });
    const parsed = parseTargetIpa(TARGET, new Set(engine.phones));
    expect(ok.body).toEqual({ target_ipa: parsed.phones.join(' '), phones: parsed.phones, word_of_phone: parsed.wordOfPhone });
    expect(ok.body.word_of_phone.at(-1)).toBe(4);
    const text = 'leɪlə ɪz ɡʊd ǂ æt';
    const bad = await post(server.url, '/api/target', { target_ipa: text });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'IPA_INVALID', details: { symbol: 'ǂ', offset: text.indexOf('ǂ') } });
  });

  it('assess gives the engine\'s own assessment of the recording and the very samples it assessed', async () => {
    const answer = await post(server.url, '/api/assess', { audio_base64: RECORDING.toString('base64'), target_ipa: TARGET });
    expect(answer.status).toBe(200);
    const { assessment, audio } = answer.body;
    expect(contractViolations(assessment)).toEqual([]);
    expect(assessment).toEqual(await engine.assess({ audio: EXAMPLE, targetIpa: TARGET }));
    // The example is 16 kHz 16-bit mono FLAC, so the WAV must hold its samples unchanged: sox decodes them independently.
    const wav = readWav(Buffer.from(audio.wav_base64, 'base64'));
    expect(wav).toMatchObject({ channels: 1, sampleRate: 16000, bits: 16 });
    expect(wav.samples.length).toBe(assessment.duration_samples);
    const sox = spawnSync('sox', [EXAMPLE, '-t', 'raw', '-e', 'signed', '-b', '16', '-L', '-']);
    expect(sox.status).toBe(0);
    expect(Buffer.from(wav.samples.buffer).equals(sox.stdout)).toBe(true);
  });

  it('assess takes target_text as the worker does, and refuses audio_uri', async () => {
    const answer = await post(server.url, '/api/assess', { audio_base64: RECORDING.toString('base64'), target_text: 'Layla is good at surfing', language: 'en-us' });
    expect(answer.status).toBe(200);
    const { ipa_phonemes } = await generateIpa({ text: 'Layla is good at surfing', language: 'en-us' });
    expect(answer.body.assessment).toEqual(await engine.assess({ audio: EXAMPLE, targetIpa: ipa_phonemes }));
    const uri = await post(server.url, '/api/assess', { audio_uri: 'https://example.com/a.flac', target_ipa: TARGET });
    expect(uri.body.error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'audio_uri' } });
  });

  it('caps size and duration with the workers\' typed errors and stays healthy', async () => {
    const small = await startWebServer({ engine, generateIpa, maxBytes: 50_000, maxDurationSec: 2, host: '127.0.0.1', port: 0 });
    try {
      // Over the byte cap: the decoded audio_base64 (the worker's check) and a body too long for any recording.
      const large = await post(small.url, '/api/assess', { audio_base64: RECORDING.toString('base64'), target_ipa: TARGET });
      expect(large).toMatchObject({ status: 413, body: { error: { code: 'AUDIO_TOO_LARGE', details: { max_bytes: 50_000 } } } });
      const huge = await post(small.url, '/api/assess', { audio_base64: 'A'.repeat(400_000), target_ipa: TARGET });
      expect(huge).toMatchObject({ status: 413, body: { error: { code: 'AUDIO_TOO_LARGE' } } });
      // Under the byte cap, over the duration cap: 3 s of 8 kHz 8-bit audio is 24 kB.
      const long = spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '8', '-t', 'wav', '-', 'synth', '3', 'sine', '300']).stdout;
      const tooLong = await post(small.url, '/api/assess', { audio_base64: long.toString('base64'), target_ipa: TARGET });
      expect(tooLong).toMatchObject({ status: 422, body: { error: { code: 'AUDIO_TOO_LONG' } } });
      const fine = await post(small.url, '/api/target', { target_ipa: TARGET });
      expect(fine.status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('reports silence, undecodable audio and a bad target with their codes, the target checked before the audio', async () => {
    const silent = await post(server.url, '/api/assess', { audio_base64: soxSilence(2).toString('base64'), target_ipa: TARGET });
    expect(silent).toMatchObject({ status: 422, body: { error: { code: 'AUDIO_SILENT' } } });
    const garbage = await post(server.url, '/api/assess', { audio_base64: Buffer.from('not audio at all, just text').toString('base64'), target_ipa: TARGET });
    expect(garbage).toMatchObject({ status: 422, body: { error: { code: 'AUDIO_UNDECODABLE' } } });
    const badTarget = await post(server.url, '/api/assess', { audio_base64: Buffer.from('not audio').toString('base64'), target_ipa: 'ǂ' });
    expect(badTarget).toMatchObject({ status: 400, body: { error: { code: 'IPA_INVALID', details: { symbol: 'ǂ', offset: 0 } } } });
    const missing = await post(server.url, '/api/assess', { target_ipa: TARGET });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  });
});

describe('pronunciation-engine web', () => {
  /** Starts the CLI; resolves with its first stdout line (or its exit when it fails). */
  function startCli(args: string[]) {
    const child = spawn(process.execPath, [CLI, 'web', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const firstLine = new Promise<string>((resolve) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
      });
      void exit.then(() => resolve(stdout));
    });
    return { child, firstLine, exit, stderr: () => stderr };
  }

  it('serves the page on 127.0.0.1, on the port asked for, until SIGTERM', async () => {
    const cli = startCli(['--port', '0']);
    const line = await cli.firstLine;
    const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(line)?.[1];
    expect(url, `${line}\n${cli.stderr()}`).toBeDefined();
    expect((await fetch(url!)).status).toBe(200);
    expect(cli.stderr()).not.toMatch(/WARNING/);
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
  });

  it('warns when asked to listen beyond loopback', async () => {
    const cli = startCli(['--port', '0', '--host', '0.0.0.0']);
    const line = await cli.firstLine;
    expect(line).toMatch(/http:\/\/0\.0\.0\.0:\d+\//);
    expect(cli.stderr()).toMatch(/WARNING: serving on 0\.0\.0\.0/);
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
  });

  it('refuses a bad port with a typed error and exit code 2', async () => {
    const cli = startCli(['--port', 'eighty']);
    expect(await cli.exit).toBe(2);
    expect(JSON.parse(cli.stderr().trim().split('\n').at(-1)!)).toMatchObject({ code: 'INVALID_INPUT' });
  });
});
