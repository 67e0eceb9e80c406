// pronunciation-engine ipa: a real process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(__dirname, '..', 'dist', 'lib', 'cli.js');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

describe('pronunciation-engine ipa', () => {
  it('prints the contract JSON for English by default', () => {
    const run = cli('ipa', 'hello world');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.ipa_phonemes).toBe('/h//ə//l//oʊ// //w//ɜː//l//d/');
    expect(result.phonemes).toEqual(['h', 'ə', 'l', 'oʊ', ' ', 'w', 'ɜː', 'l', 'd']);
  });

  it('takes --lang and unquoted words, and lists the languages', () => {
    expect(JSON.parse(cli('ipa', 'Guten', 'Tag', '--lang', 'de').stdout).ipa_phonemes).toBe('/ɡ//uː//t//ə//n// //t//ɑː//k/');
    const languages = JSON.parse(cli('ipa', '--languages').stdout) as { language: string }[];
    expect(languages.map((l) => l.language)).toContain('en-gb');
  });

  it('takes --casing: words in capitals as words by default in capitalised text, as letters on request', () => {
    const ipaOf = (...args: string[]) => JSON.parse(cli('ipa', ...args).stdout).words.map((w: { ipa: string }) => w.ipa) as string[];
    // CMUdict: us AH1 S, us(2) Y UW2 EH1 S (U.S.)
    expect(ipaOf('SHE GAVE US A CAKE')[2]).toBe('/ʌ//s/');
    expect(ipaOf('SHE GAVE US A CAKE', '--casing', 'letters')[2]).toBe('/j//uː//ɛ//s/');
    expect(ipaOf('the US army')[1]).toBe('/j//uː//ɛ//s/');
    expect(ipaOf('the US army', '--casing', 'words')[1]).toBe('/ʌ//s/');
    const bad = cli('ipa', 'hi', '--casing', 'loud');
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stderr)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('--casing must be auto, words, letters') });
  });

  it('reports bad input as typed JSON errors with exit code 2, and nothing from espeak-ng on stderr', () => {
    for (const [args, code] of [
      [['ipa', 'hello', '--lang', 'xx'], 'UNSUPPORTED_LANGUAGE'],
      [['ipa', ''], 'INVALID_INPUT'],
      [['ipa'], 'INVALID_INPUT'],
      [['ipa', 'ਸਤ \u24DC', '--lang', 'pa'], 'INVALID_INPUT'],
      [['ipa', 'hello', '--audio', '/nonexistent.wav', '--model', join(__dirname, '..', 'models', 'plumbing')], 'AUDIO_UNDECODABLE'],
    ] as const) {
      const run = cli(...args);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(JSON.parse(run.stderr)).toMatchObject({ code });
    }
    // Belarusian's full dictionary is missing in Debian; espeak-ng says so on its stderr, not ours.
    const be = cli('ipa', 'прывітанне', '--lang', 'be');
    expect(be.status).toBe(0);
    expect(be.stderr).toBe('');
  });

  it('says INTERNAL (exit code 1) when the espeak-ng helper cannot be started', () => {
    const run = spawnSync(process.execPath, [CLI, 'ipa', 'hello'], {
      encoding: 'utf8',
      env: { ...process.env, PRONUNCIATION_ENGINE_G2P_HELPER: '/nonexistent/pronunciation_engine_g2p' },
    });
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stderr)).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('PRONUNCIATION_ENGINE_G2P_HELPER') });
  });
});
