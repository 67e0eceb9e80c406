// The web page in a real browser: Debian's chromium driven by playwright-core against the real
// server and engine (bundled model). The microphone is Chromium's fake capture device reading the
// committed example recording (a WAV made from it here by sox) or a silent WAV. What the page
// draws is checked against the JSON the API returned, whatever the model's verdicts are.
// Screenshots: test/.generated/web/*.png.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pearson } from '../eval/metrics.js';
import { load, type Engine } from '../lib/engine.js';
import { generateIpa } from '../lib/g2p/generate-ipa.js';
import { parseTargetIpa } from '../lib/phonetics/ipa.js';
import type { AssessmentResult } from '../lib/types.js';
import { startWebServer, type RunningWebServer } from '../web/server.js';
import { contractViolations } from './helpers/contract.js';
import { launchChromium } from './helpers/chromium.js';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'test', '.generated', 'web');
const EXAMPLE = join(ROOT, 'examples', '001040067.flac');
/** The example says "Layla is good at surfing"; this target differs, so there are errors to click whatever the model hears. */
const OTHER_SENTENCE = 'Layla was at swimming';
const TEST_TIMEOUT_MS = 120_000;

interface AssessResponse {
  assessment: AssessmentResult;
  audio: { sample_rate: number; wav_base64: string };
}

let engine: Engine;
let server: RunningWebServer;
let browser: Browser;
let fakeMicrophone: string;
let silence: string;
const open: { context: BrowserContext; page: Page; problems: string[] }[] = [];

function sox(args: string[]): Buffer {
  const run = spawnSync('sox', args, { maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`sox ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/** 16-bit little-endian samples of a WAV's data chunk (header read independently of lib/audio/wav.ts). */
function wavSamples(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const count = bytes.readUInt32LE(40) / 2;
  return Float32Array.from({ length: count }, (_, i) => bytes.readInt16LE(44 + 2 * i) / 32768);
}

/** RMS in 10 ms frames at 16 kHz. */
function envelope(samples: Float32Array): Float64Array {
  const frames = Math.floor(samples.length / 160);
  return Float64Array.from({ length: frames }, (_, f) => {
    let sum = 0;
    for (let i = f * 160; i < (f + 1) * 160; i++) sum += samples[i] ** 2;
    return Math.sqrt(sum / 160);
  });
}

/** A page on the server, recording page errors, console errors and any request to another origin. */
async function openPage(on: Browser, contextOptions: Parameters<Browser['newContext']>[0] = { viewport: { width: 1100, height: 900 } }) {
  const context = await on.newContext(contextOptions);
  const page = await context.newPage();
  const problems: string[] = [];
  const origin = new URL(server.url).origin;
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every non-2xx answer; the API's typed errors are expected ones.
    const apiRefusal = message.text().startsWith('Failed to load resource: the server responded with a status of 4') && message.location().url.startsWith(`${origin}/api/`);
    if (message.type() === 'error' && !apiRefusal) problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:')) problems.push(`request outside the server: ${url}`);
  });
  open.push({ context, page, problems });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

async function setTarget(page: Page, mode: 'text' | 'ipa', text: string) {
  await page.check(`input[name="mode"][value="${mode}"]`);
  await page.fill('#target-input', text);
  await page.click('#show-target');
  await page.waitForSelector('#target-phones ol, #target-error:not([hidden])');
}

/** assessThrough for an answer that must be an assessment (status 200). */
async function assessed(page: Page, action: () => Promise<void>): Promise<AssessResponse> {
  const { status, body } = await assessThrough(page, action);
  expect(status, JSON.stringify(body)).toBe(200);
  return body as AssessResponse;
}

/** Runs `action` and returns the /api/assess answer the page received, once the page has drawn it. */
async function assessThrough(page: Page, action: () => Promise<void>): Promise<{ status: number; body: unknown }> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/assess'), { timeout: 90_000 }), action()]);
  const body = await response.json();
  await page.waitForFunction(() => !document.getElementById('record')!.hasAttribute('disabled'), undefined, { timeout: 30_000 });
  return { status: response.status(), body };
}

async function recordFor(page: Page, ms: number) {
  await page.click('#record');
  await page.waitForSelector('#record[aria-pressed="true"]');
  await page.waitForTimeout(ms);
  await page.click('#record');
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

/** Everything the result view drew, read back from the page's layout. */
async function readDrawing(page: Page) {
  return page.evaluate(() => {
    const box = (el: Element) => el.getBoundingClientRect();
    const timeline = box(document.getElementById('timeline')!);
    const spanOf = (el: Element) => {
      const r = box(el);
      const data = (el as HTMLElement).dataset;
      return { left: r.left - timeline.left, width: r.width, start: Number(data.start), end: Number(data.end), label: el.getAttribute('aria-label') ?? '' };
    };
    const canvas = document.getElementById('waveform') as HTMLCanvasElement;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const ink = Array.from({ length: canvas.width }, (_, x) => {
      let dark = 0;
      for (let y = 0; y < canvas.height; y++) {
        const p = 4 * (y * canvas.width + x);
        if (pixels[p + 3] > 128 && (pixels[p] + pixels[p + 1] + pixels[p + 2]) / 3 < 140) dark += 1;
      }
      return dark;
    });
    return {
      timelineWidth: timeline.width,
      canvasWidth: box(canvas).width,
      ink,
      phones: [...document.querySelectorAll('#phones .phone')].map((el) => ({
        ...spanOf(el),
        symbol: el.querySelector('.symbol')!.textContent,
        status: (el as HTMLElement).dataset.status,
        classes: el.className,
        goodness: box(el.querySelector('.bar')!).height / box(el.querySelector('.goodness')!).height,
      })),
      words: [...document.querySelectorAll('#words .word')].map((el) => ({ ...spanOf(el), score: el.querySelector('.word-score')!.textContent })),
      insertions: [...document.querySelectorAll('#insertions .insertion')].map((el) => ({ ...spanOf(el), index: Number((el as HTMLElement).dataset.errorIndex), text: el.textContent })),
      errors: [...document.querySelectorAll('#errors .error-item')].map((el) => ({ ...spanOf(el), index: Number((el as HTMLElement).dataset.errorIndex), text: el.textContent })),
      score: document.getElementById('score')!.textContent,
      errorRate: document.getElementById('error-rate')!.textContent,
      flags: [...document.querySelectorAll('#flags [data-flag]')].map((el) => (el as HTMLElement).dataset.flag),
      target: document.getElementById('target-ipa')!.textContent,
      actual: document.getElementById('actual-ipa')!.textContent,
      tableRows: [...document.querySelectorAll('#phone-table tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
    };
  });
}

/** Checks that the page drew exactly the assessment and audio the API returned. */
async function expectDrawingMatches(page: Page, response: AssessResponse) {
  const { assessment } = response;
  expect(contractViolations(assessment)).toEqual([]);
  const drawn = await readDrawing(page);
  const total = assessment.duration_samples;
  const x = (sample: number) => (sample / total) * drawn.timelineWidth;
  const expectSpan = (el: { left: number; width: number; start: number; end: number }, span: { start: number; end: number }, what: string) => {
    expect([el.start, el.end], what).toEqual([span.start, span.end]);
    expect(Math.abs(el.left - x(span.start)), `${what} left edge`).toBeLessThan(1.5);
    expect(Math.abs(el.width - (x(span.end) - x(span.start))), `${what} width`).toBeLessThan(1.5);
  };

  // Each target phone's span under the waveform, coloured by its status, with its score.
  expect(drawn.phones).toHaveLength(assessment.phones.length);
  assessment.phones.forEach((phone, i) => {
    const el = drawn.phones[i];
    expectSpan(el, phone, `phone ${i} /${phone.phone}/`);
    expect(el.symbol).toBe(phone.phone);
    expect(el.status).toBe(phone.status);
    expect(el.classes.split(' ')).toContain(phone.status);
    expect(Math.abs(el.goodness - Math.min(1, Math.max(0, phone.score))), `phone ${i} goodness bar`).toBeLessThan(0.05);
    expect(el.label).toContain(`score ${phone.score.toFixed(2)}`);
    const heard = assessment.errors.find((e) => e.type === 'substitute' && e.position === i)?.actual;
    if (heard) expect(el.label).toContain(`heard [${heard}]`);
    expect(drawn.tableRows[i]).toEqual([String(i + 1), phone.phone, expect.stringContaining(phone.status), phone.score.toFixed(2), (phone.start / 16000).toFixed(2), (phone.end / 16000).toFixed(2)]);
  });

  // Insertions marked where they were heard; every error listed with what was heard instead.
  const insertions = assessment.errors.map((e, k) => ({ ...e, k })).filter((e) => e.type === 'insert');
  expect(drawn.insertions.map((el) => el.index)).toEqual(insertions.map((e) => e.k));
  insertions.forEach((e, j) => {
    expectSpan(drawn.insertions[j], e.timestamp, `insertion ${j}`);
    expect(drawn.insertions[j].text).toBe(`+${e.actual}`);
  });
  expect(drawn.errors).toHaveLength(assessment.errors.length);
  assessment.errors.forEach((e, k) => {
    const el = drawn.errors[k];
    expect(el.index).toBe(k);
    expect([el.start, el.end]).toEqual([e.timestamp.start, e.timestamp.end]);
    if (e.expected !== undefined) expect(el.text).toContain(`/${e.expected}/`);
    if (e.actual !== undefined) expect(el.text).toContain(`[${e.actual}]`);
  });

  // Word and sentence scores, flags.
  const words = assessment.words ?? [];
  expect(drawn.words).toHaveLength(words.length);
  words.forEach((word, k) => {
    expectSpan(drawn.words[k], word, `word ${k}`);
    expect(drawn.words[k].score).toBe(word.score.toFixed(2));
  });
  expect(drawn.score).toBe(assessment.score.toFixed(2));
  expect(drawn.errorRate.startsWith(assessment.phone_error_rate.toFixed(2))).toBe(true);
  expect(drawn.errorRate).toContain(`${assessment.errors.length} error`);
  expect(drawn.flags).toEqual(assessment.flags);
  expect(drawn.target).toBe(assessment.target_ipa);
  expect(drawn.actual).toBe(assessment.actual_ipa);

  // The waveform is this audio's: ink per pixel column follows the samples' range in that column.
  const samples = wavSamples(response.audio.wav_base64);
  expect(samples.length).toBe(total);
  expect(Math.abs(drawn.canvasWidth - drawn.timelineWidth)).toBeLessThan(1);
  const columns = drawn.ink.length;
  const extent = Array.from({ length: columns }, (_, c) => {
    let min = 0;
    let max = 0;
    for (let i = Math.floor((c * total) / columns); i < Math.floor(((c + 1) * total) / columns); i++) {
      min = Math.min(min, samples[i]);
      max = Math.max(max, samples[i]);
    }
    return max - min;
  });
  expect(pearson(drawn.ink, extent)).toBeGreaterThan(0.95);
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // Chromium's fake capture device reads WAV only: the committed FLAC, converted here.
  fakeMicrophone = join(OUT, 'fake-microphone.wav');
  sox([EXAMPLE, '-r', '48000', '-b', '16', '-c', '1', fakeMicrophone]);
  silence = join(OUT, 'silence.wav');
  sox(['-n', '-r', '48000', '-b', '16', '-c', '1', silence, 'trim', '0', '4']);
  engine = await load();
  server = await startWebServer({ engine, generateIpa, maxBytes: 25_000_000, maxDurationSec: 60, host: '127.0.0.1', port: 0 });
  browser = await launchChromium({ fakeMicrophone });
});

afterEach(async () => {
  const pages = open.splice(0);
  for (const { context } of pages) await context.close();
  for (const { problems } of pages) expect(problems).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the web page in Chromium', { timeout: TEST_TIMEOUT_MS }, () => {
  it('records the sentence through the microphone (fake device, the committed recording) and draws the JSON result', async () => {
    const page = await openPage(browser);
    await setTarget(page, 'text', 'Layla is good at surfing');
    const { ipa_phonemes } = await generateIpa({ text: 'Layla is good at surfing', language: 'en-us' });
    const shownPhones = await page.locator('#target-phones .chip').allTextContents();
    expect(shownPhones).toEqual(parseTargetIpa(ipa_phonemes, new Set(engine.phones)).phones);

    const response = await assessed(page, () => recordFor(page, 6500));
    await expectDrawingMatches(page, response);
    // The recording that reached the engine is the committed one: its loudness over time
    // matches the FLAC's at some delay (the fake device starts when the recorder does).
    const heard = envelope(wavSamples(response.audio.wav_base64));
    const original = envelope(Float32Array.from(new Int16Array(new Uint8Array(sox([EXAMPLE, '-t', 'raw', '-e', 'signed', '-b', '16', '-L', '-'])).buffer), (v) => v / 32768));
    let best = -1;
    for (let lag = 0; lag < 100; lag++) {
      const n = Math.min(heard.length - lag, original.length);
      best = Math.max(best, pearson(heard.subarray(lag, lag + n), original.subarray(0, n)) ?? -1);
    }
    expect(best).toBeGreaterThan(0.9);
    expect(response.assessment.duration_samples / 16000).toBeGreaterThan(5);
    await screenshot(page, 'microphone');
  });

  it('assesses an uploaded file as the engine does, and clicking an error plays exactly its span', async () => {
    const page = await openPage(browser);
    await setTarget(page, 'text', OTHER_SENTENCE);
    const response = await assessed(page, () => page.setInputFiles('#upload', EXAMPLE));
    const { ipa_phonemes } = await generateIpa({ text: OTHER_SENTENCE, language: 'en-us' });
    expect(response.assessment).toEqual(await engine.assess({ audio: EXAMPLE, targetIpa: ipa_phonemes }));
    await expectDrawingMatches(page, response);

    const errors = response.assessment.errors;
    expect(errors.length, 'the target is another sentence than the recording, so the engine should find errors').toBeGreaterThan(0);
    const k = errors.length - 1;
    const { start, end } = errors[k].timestamp;
    await page.click(`#errors .error-item[data-error-index="${k}"]`);
    await page.waitForFunction(() => (document.getElementById('span-player') as HTMLAudioElement).ended, undefined, { timeout: 20_000 });
    const played = await page.evaluate(
      async () => {
        const audio = document.getElementById('span-player') as HTMLAudioElement;
        const bytes = new Uint8Array(await (await fetch(audio.src)).arrayBuffer());
        return {
          span: { ...audio.dataset },
          duration: audio.duration,
          currentTime: audio.currentTime,
          played: Array.from({ length: audio.played.length }, (_, i) => [audio.played.start(i), audio.played.end(i)]),
          wav: btoa(String.fromCharCode(...bytes)),
          wholePaused: (document.getElementById('player') as HTMLAudioElement).paused,
        };
      },
    );
    // What played is the span's samples, byte for byte, from its first to its last.
    expect(played.span).toEqual({ spanStart: String(start), spanEnd: String(end) });
    const wav = Buffer.from(played.wav, 'base64');
    expect(wav.readUInt32LE(24)).toBe(16000);
    expect(wav.subarray(44).equals(Buffer.from(response.audio.wav_base64, 'base64').subarray(44 + 2 * start, 44 + 2 * end))).toBe(true);
    expect(played.duration).toBeCloseTo((end - start) / 16000, 3);
    expect(played.currentTime).toBeCloseTo(played.duration, 3);
    expect(played.played).toHaveLength(1);
    expect(played.played[0][0]).toBeCloseTo(0, 3);
    expect(played.played[0][1]).toBeCloseTo(played.duration, 3);
    expect(played.wholePaused).toBe(true);
    // The span is shown on the timeline, and the playhead stopped at its end.
    const shown = await page.evaluate(() => {
      const timeline = document.getElementById('timeline')!.getBoundingClientRect();
      const box = document.getElementById('span-highlight')!.getBoundingClientRect();
      const playhead = document.getElementById('playhead')!.getBoundingClientRect();
      return { left: box.left - timeline.left, width: box.width, playhead: playhead.left + playhead.width / 2 - timeline.left, timeline: timeline.width };
    });
    const total = response.assessment.duration_samples;
    expect(Math.abs(shown.left - (start / total) * shown.timeline)).toBeLessThan(1.5);
    expect(Math.abs(shown.width - ((end - start) / total) * shown.timeline)).toBeLessThan(1.5);
    expect(Math.abs(shown.playhead - (end / total) * shown.timeline)).toBeLessThan(2);
    await screenshot(page, 'upload-error-played');
  });

  it('is usable from the keyboard: Tab reaches the phone row, arrows move along it, Enter plays the phone', async () => {
    const page = await openPage(browser);
    await setTarget(page, 'ipa', 'leɪlə ɪz ɡʊd æt sɜːfɪŋ');
    const { phones } = (await assessed(page, () => page.setInputFiles('#upload', EXAMPLE))).assessment;
    await page.focus('#record');
    const active = () => page.evaluate(() => ({ phone: document.activeElement?.classList.contains('phone') ?? false, index: (document.activeElement as HTMLElement | null)?.dataset.index }));
    for (let presses = 0; presses < 40 && !(await active()).phone; presses++) await page.keyboard.press('Tab');
    expect(await active()).toEqual({ phone: true, index: '0' });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await active()).toEqual({ phone: true, index: '2' });
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (span) => {
        const audio = document.getElementById('span-player') as HTMLAudioElement;
        return audio.dataset.spanStart === String(span.start) && audio.dataset.spanEnd === String(span.end) && audio.ended;
      },
      phones[2],
      { timeout: 20_000 },
    );
    expect(await page.textContent('#selected')).toContain(`/${phones[2].phone}/`);
    // Shift+Tab leaves the row in one step, Tab comes back to the phone last focused.
    await page.keyboard.press('Shift+Tab');
    expect((await active()).phone).toBe(false);
    await page.keyboard.press('Tab');
    expect(await active()).toEqual({ phone: true, index: '2' });
    await screenshot(page, 'keyboard');
  });

  it('reports an unknown IPA symbol with its position', async () => {
    const page = await openPage(browser);
    const text = 'leɪlə ɪz ɡʊd ǂ æt sɜːfɪŋ';
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/target')), setTarget(page, 'ipa', text)]);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'IPA_INVALID', details: { symbol: 'ǂ', offset: text.indexOf('ǂ') } });
    const box = page.locator('#target-error');
    await expect.poll(() => box.isVisible()).toBe(true);
    expect(await box.getAttribute('data-code')).toBe('IPA_INVALID');
    expect(await box.getAttribute('data-offset')).toBe(String(text.indexOf('ǂ')));
    expect(await box.textContent()).toContain(`Unknown symbol “ǂ” at character ${text.indexOf('ǂ') + 1}`);
    expect(await box.locator('mark').textContent()).toBe('ǂ');
    const selection = await page.evaluate(() => {
      const input = document.getElementById('target-input') as HTMLTextAreaElement;
      return { focused: document.activeElement === input, start: input.selectionStart, end: input.selectionEnd };
    });
    expect(selection).toEqual({ focused: true, start: text.indexOf('ǂ'), end: text.indexOf('ǂ') + 1 });
    expect(await page.locator('#result').isHidden()).toBe(true);
    await screenshot(page, 'ipa-invalid');
  });

  it('fits a phone-sized screen: no sideways page scroll, the timeline scrolls within itself, readable text, thumb-sized controls', async () => {
    const page = await openPage(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await setTarget(page, 'text', OTHER_SENTENCE);
    await expectDrawingMatches(page, await assessed(page, () => page.setInputFiles('#upload', EXAMPLE)));
    const layout = await page.evaluate(() => {
      const scroller = document.getElementById('timeline-scroll')!;
      const px = (el: Element) => parseFloat(getComputedStyle(el).fontSize);
      const texts = [...document.querySelectorAll('p, dd, dt, label, button, .symbol, .chip, td')].filter((el) => (el as HTMLElement).offsetParent !== null);
      return {
        pageWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        scrollerScrolls: scroller.scrollWidth > scroller.clientWidth,
        smallestText: Math.min(...texts.map(px)),
        phoneSymbol: px(document.querySelector('.phone .symbol')!),
        controlHeights: ['#record', '#show-target', '.error-item', '#language'].map((s) => document.querySelector(s)!.getBoundingClientRect().height),
      };
    });
    expect(layout.viewport).toBe(390);
    expect(layout.pageWidth).toBeLessThanOrEqual(390);
    expect(layout.scrollerScrolls).toBe(true);
    expect(layout.smallestText).toBeGreaterThanOrEqual(13);
    expect(layout.phoneSymbol).toBeGreaterThanOrEqual(16);
    for (const height of layout.controlHeights) expect(height).toBeGreaterThanOrEqual(44);
    await screenshot(page, 'phone-screen');
  });

  it('shows the AUDIO_SILENT message for a silent recording (fake microphone fed silence)', async () => {
    const silent = await launchChromium({ fakeMicrophone: silence });
    try {
      const page = await openPage(silent);
      await setTarget(page, 'text', 'Layla is good at surfing');
      const { status, body } = await assessThrough(page, () => recordFor(page, 2500));
      expect(status).toBe(422);
      expect(body).toMatchObject({ error: { code: 'AUDIO_SILENT' } });
      const message = page.locator('#message');
      expect(await message.isVisible()).toBe(true);
      expect(await message.getAttribute('data-code')).toBe('AUDIO_SILENT');
      expect(await message.textContent()).toContain('No speech was heard in the recording');
      expect(await message.textContent()).toContain((body as { error: { message: string } }).error.message);
      expect(await page.locator('#result').isHidden()).toBe(true);
      await screenshot(page, 'silent');
    } finally {
      const pages = open.splice(0);
      for (const { context } of pages) await context.close();
      await silent.close();
      for (const { problems } of pages) expect(problems).toEqual([]);
    }
  });
});
