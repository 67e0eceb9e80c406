// @ts-check
// The page: a target (a sentence through /api/ipa, or IPA) shown as the model's phones
// (/api/target); a recording from the microphone (MediaRecorder, WebM/Opus where offered) or a
// file; the assessment (/api/assess) drawn by result-view.js; errors shown with their code.
import { ApiError, blobToBase64, getJson, postJson } from './api.js';
import { hideResult, renderResult } from './result-view.js';

/** What a learner is told first for each error code; the engine's own message follows. */
const ADVICE = {
  AUDIO_SILENT: 'No speech was heard in the recording. Check that the microphone is on and not muted, then record again.',
  AUDIO_TOO_SHORT: 'The recording is too short for this sentence. Record the whole sentence.',
  AUDIO_TOO_LONG: 'The recording is too long. Record only the sentence.',
  AUDIO_TOO_LARGE: 'The file is too large. Record a shorter clip or use a compressed format (Opus, MP3).',
  AUDIO_UNDECODABLE: 'The recording could not be read as audio. Try WAV, FLAC, OGG/Opus, MP3 or WebM.',
  IPA_INVALID: 'The target has a symbol this model has no phone for.',
  UNSUPPORTED_LANGUAGE: 'This language is not supported for turning text into IPA.',
  INVALID_INPUT: 'The request was refused.',
  MODEL_UNAVAILABLE: 'The model is not available.',
  INTERNAL: 'Something went wrong in the engine.',
};

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

const input = /** @type {HTMLTextAreaElement} */ (byId('target-input'));
const language = /** @type {HTMLSelectElement} */ (byId('language'));
const recordButton = /** @type {HTMLButtonElement} */ (byId('record'));
const upload = /** @type {HTMLInputElement} */ (byId('upload'));
const showTargetButton = /** @type {HTMLButtonElement} */ (byId('show-target'));
const status = byId('status');

/** @type {{ max_bytes: number, max_duration_sec: number } | null} */
let info = null;

/**
 * The target as resolved for the current input: what to send as target_ipa, and the text's
 * words when it came from a sentence.
 * @typedef {{ key: string, targetIpa: string, words?: string[] }} Target
 */
/** @type {Target | null} */
let resolved = null;

const mode = () => /** @type {HTMLInputElement | null} */ (document.querySelector('input[name="mode"]:checked'))?.value === 'ipa' ? 'ipa' : 'text';
const targetKey = () => `${mode()}\u0000${language.value}\u0000${input.value.trim()}`;

/**
 * Shows an API error in a message box, with the code, a plain explanation and the engine's message.
 * @param {HTMLElement} box
 * @param {unknown} error
 */
function showError(box, error) {
  const apiError = error instanceof ApiError ? error : new ApiError('INTERNAL', error instanceof Error ? error.message : String(error));
  box.dataset.code = apiError.code;
  const advice = document.createElement('p');
  advice.className = 'advice';
  advice.textContent = ADVICE[/** @type {keyof typeof ADVICE} */ (apiError.code)] ?? 'The request failed.';
  const detail = document.createElement('p');
  detail.className = 'detail';
  detail.textContent = `${apiError.code}: ${apiError.message}`;
  box.replaceChildren(advice, detail);
  box.hidden = false;
}

/** @param {HTMLElement} box */
function clearError(box) {
  box.hidden = true;
  box.replaceChildren();
  delete box.dataset.code;
}

/**
 * IPA_INVALID for typed IPA: the message names the symbol and its position, the input is shown
 * with the symbol marked, and the symbol is selected in the text box.
 * @param {ApiError} error
 */
function showInvalidSymbol(error) {
  const box = byId('target-error');
  showError(box, error);
  const { symbol, offset } = error.details ?? {};
  if (typeof symbol !== 'string' || typeof offset !== 'number') return;
  const text = input.value;
  box.dataset.symbol = symbol;
  box.dataset.offset = String(offset);
  const where = document.createElement('p');
  where.className = 'where';
  where.append(`Unknown symbol “${symbol}” at character ${offset + 1}: `);
  const shown = document.createElement('span');
  shown.className = 'ipa';
  const mark = document.createElement('mark');
  mark.textContent = text.slice(offset, offset + symbol.length);
  shown.append(text.slice(0, offset), mark, text.slice(offset + symbol.length));
  where.append(shown);
  box.insertBefore(where, box.firstChild);
  input.focus();
  input.setSelectionRange(offset, offset + symbol.length);
}

/**
 * @param {string[]} phones
 * @param {number[]} wordOfPhone
 * @param {string[] | undefined} words
 */
function showTargetPhones(phones, wordOfPhone, words) {
  /** @type {string[][]} */
  const groups = [];
  phones.forEach((phone, i) => {
    const w = wordOfPhone[i];
    if (!groups[w]) groups[w] = [];
    groups[w].push(phone);
  });
  const list = document.createElement('ol');
  list.className = 'target-words';
  groups.forEach((group, w) => {
    const item = document.createElement('li');
    if (words?.[w] !== undefined && words.length === groups.length) {
      const text = document.createElement('span');
      text.className = 'word-text';
      text.textContent = words[w];
      item.append(text);
    }
    for (const phone of group) {
      const chip = document.createElement('span');
      chip.className = 'chip ipa';
      chip.textContent = phone;
      item.append(chip);
    }
    list.append(item);
  });
  const heading = document.createElement('p');
  heading.textContent = `${phones.length} target phones:`;
  byId('target-phones').replaceChildren(heading, list);
}

/** Resolves the typed target (once per input), shows its phones; null when it was refused. */
async function resolveTarget() {
  const key = targetKey();
  if (resolved && resolved.key === key) return resolved;
  const box = byId('target-error');
  clearError(box);
  delete box.dataset.symbol;
  delete box.dataset.offset;
  byId('target-phones').replaceChildren();
  const text = input.value.trim();
  if (!text) {
    showError(box, new ApiError('INVALID_INPUT', mode() === 'ipa' ? 'Type the target in IPA, e.g. "leɪlə ɪz ɡʊd æt sɜːfɪŋ".' : 'Type the sentence to be said, e.g. "Layla is good at surfing".'));
    input.focus();
    return null;
  }
  try {
    /** @type {string[] | undefined} */
    let words;
    let targetIpa = text;
    if (mode() === 'text') {
      const generated = await postJson('/api/ipa', { text, language: language.value });
      targetIpa = generated.ipa_phonemes;
      words = Array.isArray(generated.words) ? generated.words.map((/** @type {{word: string}} */ w) => w.word) : undefined;
    }
    const target = await postJson('/api/target', { target_ipa: targetIpa });
    showTargetPhones(target.phones, target.word_of_phone, words);
    resolved = { key, targetIpa, words };
    return resolved;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'IPA_INVALID' && mode() === 'ipa') showInvalidSymbol(error);
    else showError(box, error);
    return null;
  }
}

/** @param {boolean} busy */
function setBusy(busy) {
  upload.disabled = busy;
  recordButton.disabled = busy;
  byId('result').setAttribute('aria-busy', String(busy));
}

/**
 * Assesses a recording against the target.
 * @param {Blob} audio
 * @param {string} source what to call it in the status line
 */
async function assess(audio, source) {
  const message = byId('message');
  clearError(message);
  const target = await resolveTarget();
  if (!target) {
    status.textContent = '';
    return;
  }
  if (info && audio.size > info.max_bytes) {
    showError(message, new ApiError('AUDIO_TOO_LARGE', `The ${source} is ${(audio.size / 1e6).toFixed(1)} MB; this server accepts at most ${(info.max_bytes / 1e6).toFixed(1)} MB`));
    status.textContent = '';
    return;
  }
  setBusy(true);
  status.textContent = `Assessing the ${source}…`;
  try {
    const response = await postJson('/api/assess', { audio_base64: await blobToBase64(audio), target_ipa: target.targetIpa });
    renderResult(response, target.words);
    status.textContent = `Assessed the ${source}.`;
    byId('result-heading').scrollIntoView({ block: 'start' });
  } catch (error) {
    hideResult();
    status.textContent = '';
    if (error instanceof ApiError && error.code === 'IPA_INVALID' && mode() === 'ipa') showInvalidSymbol(error);
    else showError(message, error);
  } finally {
    setBusy(false);
  }
}

// ---------------------------------------------------------------------------------------------
// Recording

/** @type {{ recorder: MediaRecorder, stream: MediaStream, timer: number, started: number } | null} */
let recording = null;

async function startRecording() {
  const message = byId('message');
  clearError(message);
  if (!(await resolveTarget())) return;
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  } catch (error) {
    showError(message, new ApiError('INVALID_INPUT', `The microphone could not be opened (${error instanceof Error ? error.message : error}); allow the page to use it, or upload a file`));
    return;
  }
  const mimeType = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4'].find((type) => MediaRecorder.isTypeSupported(type));
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
  /** @type {Blob[]} */
  const chunks = [];
  recorder.ondataavailable = (event) => {
    if (event.data.size > 0) chunks.push(event.data);
  };
  recorder.onstop = () => {
    for (const track of stream.getTracks()) track.stop();
    void assess(new Blob(chunks, { type: recorder.mimeType }), 'recording');
  };
  const started = performance.now();
  const limit = info?.max_duration_sec ?? 60;
  const timer = window.setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    status.textContent = `Recording… ${elapsed.toFixed(1)} s (Stop when done; at most ${limit} s)`;
    if (elapsed >= limit) stopRecording();
  }, 100);
  recording = { recorder, stream, timer, started };
  recorder.start();
  recordButton.textContent = 'Stop';
  recordButton.setAttribute('aria-pressed', 'true');
  recordButton.classList.add('recording');
  status.textContent = 'Recording…';
}

function stopRecording() {
  if (!recording) return;
  window.clearInterval(recording.timer);
  recording.recorder.stop();
  recording = null;
  recordButton.textContent = 'Record';
  recordButton.setAttribute('aria-pressed', 'false');
  recordButton.classList.remove('recording');
}

// ---------------------------------------------------------------------------------------------
// Wiring

function syncMode() {
  const ipa = mode() === 'ipa';
  byId('target-label').textContent = ipa ? 'Target IPA' : 'Sentence';
  input.placeholder = ipa ? 'leɪlə ɪz ɡʊd æt sɜːfɪŋ' : 'Layla is good at surfing';
  byId('language-field').hidden = ipa;
}

for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener('change', syncMode);
syncMode();
showTargetButton.addEventListener('click', () => void resolveTarget());
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    void resolveTarget();
  }
});
recordButton.addEventListener('click', () => (recording ? stopRecording() : void startRecording()));
upload.addEventListener('change', () => {
  const file = upload.files?.[0];
  if (file) void assess(file, `file ${file.name}`);
  upload.value = '';
});

getJson('/api/info').then(
  (answer) => {
    info = answer;
    byId('model-info').textContent = `Model ${answer.model} (${answer.phones.length} phones) · recordings up to ${answer.max_duration_sec} s and ${(answer.max_bytes / 1e6).toFixed(0)} MB`;
    const current = language.value;
    language.replaceChildren(
      ...answer.languages.map((/** @type {{language: string, name: string}} */ l) => {
        const option = document.createElement('option');
        option.value = l.language;
        option.textContent = `${l.language} (${l.name})`;
        return option;
      }),
    );
    language.value = answer.languages.some((/** @type {{language: string}} */ l) => l.language === current) ? current : answer.languages[0]?.language;
    document.body.dataset.ready = 'true';
  },
  (error) => showError(byId('message'), error),
);
