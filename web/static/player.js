// @ts-check
// Plays exactly one span of the assessed recording: a WAV of just those samples (cut from the
// server's 16-bit WAV, byte for byte) in its own <audio> element, so playback ends at the span's
// last sample whatever the page is busy with. The element carries the span as data-span-start /
// data-span-end (samples of the whole recording). The page's other <audio> plays the whole
// recording; starting one pauses the other, and the playhead follows whichever plays.

const WAV_HEADER_BYTES = 44;

/**
 * A 16-bit mono WAV holding `pcm`.
 * @param {Uint8Array<ArrayBuffer>} pcm 16-bit little-endian samples
 * @param {number} sampleRate
 */
function wavOf(pcm, sampleRate) {
  const header = new DataView(new ArrayBuffer(WAV_HEADER_BYTES));
  const text = (/** @type {number} */ offset, /** @type {string} */ value) => [...value].forEach((c, i) => header.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  header.setUint32(4, 36 + pcm.byteLength, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  header.setUint32(16, 16, true);
  header.setUint16(20, 1, true);
  header.setUint16(22, 1, true);
  header.setUint32(24, sampleRate, true);
  header.setUint32(28, sampleRate * 2, true);
  header.setUint16(32, 2, true);
  header.setUint16(34, 16, true);
  text(36, 'data');
  header.setUint32(40, pcm.byteLength, true);
  return new Blob([header.buffer, pcm], { type: 'audio/wav' });
}

export class SpanPlayer {
  /**
   * @param {{ whole: HTMLAudioElement, span: HTMLAudioElement, wav: Uint8Array<ArrayBuffer>, sampleRate: number,
   *   onSpan: (start: number, end: number) => void, onTime: (seconds: number | null) => void }} options
   *   wav: the whole recording's WAV; onSpan shows the span being played; onTime moves the playhead
   *   (seconds into the whole recording; null hides it)
   */
  constructor({ whole, span, wav, sampleRate, onSpan, onTime }) {
    this.whole = whole;
    this.span = span;
    this.pcm = wav.subarray(WAV_HEADER_BYTES);
    this.sampleRate = sampleRate;
    this.onTime = onTime;
    this.onSpan = onSpan;
    this.spanStart = 0;
    this.url = '';
    this.frame = 0;
    this.controller = new AbortController();
    const { signal } = this.controller;
    /** The element that played last: the playhead follows it. */
    this.active = whole;
    for (const [element, other] of [[whole, span], [span, whole]]) {
      element.addEventListener('play', () => {
        other.pause();
        this.active = element;
        this.follow();
      }, { signal });
    }
  }

  /**
   * @param {number} start first sample
   * @param {number} end sample after the last
   */
  async play(start, end) {
    const span = this.span;
    span.pause();
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = URL.createObjectURL(wavOf(this.pcm.subarray(2 * start, 2 * end), this.sampleRate));
    this.spanStart = start;
    span.dataset.spanStart = String(start);
    span.dataset.spanEnd = String(end);
    span.src = this.url;
    this.onSpan(start, end);
    try {
      await span.play();
    } catch {
      // Playback refused (no audio output, or interrupted by another click): the span stays shown.
    }
  }

  /** Moves the playhead with whichever element plays, every animation frame while it plays. */
  follow() {
    cancelAnimationFrame(this.frame);
    const step = () => {
      const element = this.active;
      this.onTime(element === this.span ? this.spanStart / this.sampleRate + element.currentTime : element.currentTime);
      if (!element.paused) this.frame = requestAnimationFrame(step);
    };
    this.frame = requestAnimationFrame(step);
  }

  /** Stops playing and lets go of the elements (a new result takes over). */
  dispose() {
    this.controller.abort();
    cancelAnimationFrame(this.frame);
    this.span.pause();
    this.whole.pause();
    if (this.url) URL.revokeObjectURL(this.url);
    this.span.removeAttribute('src');
    delete this.span.dataset.spanStart;
    delete this.span.dataset.spanEnd;
  }
}
