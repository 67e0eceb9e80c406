// @ts-check
// Draws an assessment: scores and flags, the waveform of the assessed audio with each target
// phone's span under it (coloured by status, a bar for its score), insertions above it, words
// below, the errors with what was heard instead, and a table of every phone. Every phone, word,
// insertion and error is a button that plays exactly its span. Only the contract's fields are
// read; anything else in the result is left alone.
import { SpanPlayer } from './player.js';
import { base64Bytes, drawWaveform, wavSamples } from './waveform.js';

const KNOWN_STATUSES = new Set(['correct', 'substituted', 'deleted']);
const TINTS = { substituted: 'rgba(196, 80, 27, 0.18)', deleted: 'rgba(110, 119, 129, 0.22)', inserted: 'rgba(130, 80, 223, 0.22)' };

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

/** @param {unknown} value */
const decimal = (value) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : '–');

/**
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string)[]} [children]
 */
function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/**
 * Arrow keys, Home and End move the focus along a row of buttons; the row is one Tab stop.
 * @param {HTMLElement} row
 * @param {HTMLElement[]} items
 */
function rovingFocus(row, items) {
  items.forEach((item, k) => {
    item.tabIndex = k === 0 ? 0 : -1;
    item.addEventListener('focus', () => {
      for (const other of items) other.tabIndex = other === item ? 0 : -1;
    });
  });
  row.onkeydown = (event) => {
    const k = items.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (k < 0) return;
    const last = items.length - 1;
    const next = { ArrowRight: k + 1, ArrowDown: k + 1, ArrowLeft: k - 1, ArrowUp: k - 1, Home: 0, End: last }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = items[Math.max(0, Math.min(last, next))];
    target.focus();
    target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };
}

/**
 * @typedef {{ phone: string, start: number, end: number, score: number, status: string }} Phone
 * @typedef {{ type: string, position: number, expected?: string, actual?: string, timestamp: { start: number, end: number } }} PhoneError
 * @typedef {{ word: string, phones: [number, number], start: number, end: number, score: number }} Word
 * @typedef {{ actual_ipa: string, recognized_ipa?: string, target_ipa: string, score: number, errors: PhoneError[],
 *   phones: Phone[], sample_rate: number, duration_samples: number, phone_error_rate?: number, flags?: string[], words?: Word[] }} Assessment
 * @typedef {{ assessment: Assessment, audio: { sample_rate: number, wav_base64: string } }} AssessResponse
 */

/** @type {{ url: string, resize: ResizeObserver, player: SpanPlayer } | null} */
let shown = null;

/**
 * @param {AssessResponse} response
 * @param {string[] | undefined} textWords the sentence's words, when the target came from text
 */
export function renderResult(response, textWords) {
  const { assessment } = response;
  const sampleRate = assessment.sample_rate || 16000;
  const total = assessment.duration_samples;
  const seconds = (/** @type {number} */ samples) => (samples / sampleRate).toFixed(2);
  const range = (/** @type {{start: number, end: number}} */ span) => `${seconds(span.start)}–${seconds(span.end)} s`;
  /** @param {HTMLElement} node @param {{start: number, end: number}} span */
  const place = (node, span) => {
    node.style.left = `${(span.start / total) * 100}%`;
    node.style.width = `${((span.end - span.start) / total) * 100}%`;
  };

  if (shown) {
    shown.player.dispose();
    URL.revokeObjectURL(shown.url);
    shown.resize.disconnect();
  }
  const bytes = base64Bytes(response.audio.wav_base64);
  const samples = wavSamples(bytes);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
  const whole = /** @type {HTMLAudioElement} */ (byId('player'));
  whole.src = url;

  const highlight = byId('span-highlight');
  const playhead = byId('playhead');
  highlight.hidden = true;
  playhead.hidden = true;
  const player = new SpanPlayer({
    whole,
    span: /** @type {HTMLAudioElement} */ (byId('span-player')),
    wav: bytes,
    sampleRate,
    onSpan: (start, end) => {
      place(highlight, { start, end });
      highlight.hidden = false;
    },
    onTime: (time) => {
      playhead.hidden = time === null;
      if (time !== null) playhead.style.left = `${((time * sampleRate) / total) * 100}%`;
    },
  });
  const selected = byId('selected');
  /** @param {HTMLElement} button @param {{start: number, end: number}} span */
  const playable = (button, span) => {
    button.dataset.start = String(span.start);
    button.dataset.end = String(span.end);
    button.addEventListener('click', () => {
      selected.textContent = button.getAttribute('aria-label');
      void player.play(span.start, span.end);
    });
    button.addEventListener('focus', () => {
      selected.textContent = button.getAttribute('aria-label');
    });
    return button;
  };

  // Scores and flags.
  const flags = byId('flags');
  flags.replaceChildren(
    ...(assessment.flags ?? []).map((flag) =>
      element('p', { class: 'flag', 'data-flag': flag }, [
        flag === 'DIFFERENT_SENTENCE'
          ? 'This sounds like a different sentence (most target phones were not heard): check the sentence, then record it again.'
          : `Flag: ${flag}`,
      ]),
    ),
  );
  byId('score').textContent = decimal(assessment.score);
  byId('error-rate').replaceChildren(
    decimal(assessment.phone_error_rate),
    element('small', {}, [`${assessment.errors.length} error${assessment.errors.length === 1 ? '' : 's'} over ${assessment.phones.length} target phones`]),
  );
  byId('target-ipa').textContent = assessment.target_ipa;
  byId('actual-ipa').textContent = assessment.actual_ipa;
  byId('recognized-ipa').textContent = assessment.recognized_ipa ?? '';
  byId('recognized-row').hidden = assessment.recognized_ipa === undefined || assessment.recognized_ipa === assessment.actual_ipa;

  // What was heard for each target phone (substitutions), and the word each phone belongs to.
  /** @type {Map<number, PhoneError>} */
  const errorAt = new Map();
  for (const error of assessment.errors) if (error.type !== 'insert') errorAt.set(error.position, error);
  const words = assessment.words ?? [];
  const wordLabel = (/** @type {number} */ k) => textWords?.[k] ?? words[k].word;
  const wordOf = (/** @type {number} */ position) => words.findIndex((w) => position >= w.phones[0] && position < w.phones[1]);

  // The timeline: its width follows the recording's length, so short phones stay legible.
  const timeline = byId('timeline');
  timeline.style.setProperty('--seconds', String(total / sampleRate));

  const phoneButtons = assessment.phones.map((phone, i) => {
    const status = KNOWN_STATUSES.has(phone.status) ? phone.status : 'unknown';
    const heard = errorAt.get(i)?.actual;
    const label = `/${phone.phone}/ ${phone.status}${heard ? `, heard [${heard}]` : ''}, score ${decimal(phone.score)}, ${range(phone)}`;
    const bar = element('span', { class: 'bar' });
    bar.style.height = `${Math.max(0, Math.min(1, phone.score)) * 100}%`;
    const button = element('button', { type: 'button', class: `phone ${status}`, 'data-index': String(i), 'data-status': phone.status, 'aria-label': label, title: label }, [
      element('span', { class: 'symbol', 'aria-hidden': 'true' }, [phone.phone]),
      element('span', { class: 'goodness', 'aria-hidden': 'true' }, [bar]),
    ]);
    place(button, phone);
    return playable(button, phone);
  });
  const phonesRow = byId('phones');
  phonesRow.replaceChildren(...phoneButtons);
  rovingFocus(phonesRow, phoneButtons);

  const wordButtons = words.map((word, k) => {
    const label = `word "${wordLabel(k)}" /${word.word}/, score ${decimal(word.score)}, ${range(word)}`;
    const button = element('button', { type: 'button', class: 'word', 'data-index': String(k), 'aria-label': label, title: label }, [
      element('span', { class: 'word-text' }, [wordLabel(k)]),
      element('span', { class: 'word-score' }, [decimal(word.score)]),
    ]);
    place(button, word);
    return playable(button, word);
  });
  const wordsRow = byId('words');
  wordsRow.replaceChildren(...wordButtons);
  wordsRow.hidden = wordButtons.length === 0;
  rovingFocus(wordsRow, wordButtons);

  const describeError = (/** @type {PhoneError} */ error) => {
    const next = assessment.phones[error.position]?.phone;
    if (error.type === 'substitute') return `/${error.expected}/ → heard [${error.actual}]`;
    if (error.type === 'delete') return `/${error.expected}/ not heard`;
    if (error.type === 'insert') return `extra [${error.actual}] ${next ? `before /${next}/` : 'at the end'}`;
    return `${error.type} at phone ${error.position + 1}`;
  };
  const insertions = assessment.errors.flatMap((error, k) => {
    if (error.type !== 'insert') return [];
    const label = `${describeError(error)}, ${range(error.timestamp)}`;
    // The button spans exactly where the phone was heard; its label may stick out of a short span.
    const button = element('button', { type: 'button', class: 'insertion', 'data-error-index': String(k), 'aria-label': label, title: label }, [
      element('span', { class: 'insertion-label' }, [`+${error.actual}`]),
    ]);
    place(button, error.timestamp);
    return [playable(button, error.timestamp)];
  });
  byId('insertions').replaceChildren(...insertions);

  const errorItems = assessment.errors.map((error, k) => {
    const w = error.type === 'insert' ? wordOf(Math.max(0, error.position - 1)) : wordOf(error.position);
    const where = w >= 0 ? ` in “${wordLabel(w)}”` : '';
    const label = `${describeError(error)}${where}, ${range(error.timestamp)}`;
    const button = element('button', { type: 'button', class: `error-item ${error.type}`, 'data-error-index': String(k), 'aria-label': label }, [
      element('span', { class: 'error-what' }, [describeError(error)]),
      element('span', { class: 'error-where' }, [`${where.trim()} ${range(error.timestamp)}`.trim()]),
    ]);
    return element('li', {}, [playable(button, error.timestamp)]);
  });
  byId('errors').replaceChildren(...errorItems);
  byId('no-errors').hidden = errorItems.length > 0;

  const rows = assessment.phones.map((phone, i) =>
    element('tr', { 'data-index': String(i) }, [
      element('td', {}, [String(i + 1)]),
      element('td', { class: 'ipa' }, [phone.phone]),
      element('td', {}, [phone.status + (errorAt.get(i)?.actual ? ` [${errorAt.get(i)?.actual}]` : '')]),
      element('td', {}, [decimal(phone.score)]),
      element('td', {}, [seconds(phone.start)]),
      element('td', {}, [seconds(phone.end)]),
    ]),
  );
  byId('phone-table').querySelector('tbody')?.replaceChildren(...rows);
  selected.textContent = '';

  const section = byId('result');
  section.hidden = false;

  // The waveform, with the errors' spans shaded; redrawn whenever the timeline's width changes.
  const canvas = /** @type {HTMLCanvasElement} */ (byId('waveform'));
  const tints = [
    ...assessment.phones.flatMap((phone) => (phone.status === 'substituted' || phone.status === 'deleted' ? [{ ...phone, colour: TINTS[phone.status] }] : [])),
    ...assessment.errors.filter((e) => e.type === 'insert').map((e) => ({ ...e.timestamp, colour: TINTS.inserted })),
  ];
  const resize = new ResizeObserver(() => drawWaveform(canvas, samples, tints));
  resize.observe(canvas);
  shown = { url, resize, player };
}

export function hideResult() {
  byId('result').hidden = true;
}
