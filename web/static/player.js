// @ts-check
// Plays exactly one span of the assessed recording through the page's <audio> element: seek to
// its start, play, pause at its end (checked every animation frame, then set to the end). The
// element carries the span as data-span-start / data-span-end (samples) while it plays.

export class SpanPlayer {
  /**
   * @param {HTMLAudioElement} audio
   * @param {number} sampleRate
   * @param {(start: number, end: number) => void} onSpan shows the span being played
   * @param {(seconds: number | null) => void} onTime moves the playhead (null: hide it)
   */
  constructor(audio, sampleRate, onSpan, onTime) {
    this.audio = audio;
    this.sampleRate = sampleRate;
    this.onSpan = onSpan;
    this.onTime = onTime;
    /** @type {number | null} seconds at which to stop */
    this.stopAt = null;
    this.frame = 0;
    /** Set while a seek of ours is under way, to tell it from a seek with the element's controls. */
    this.ownSeek = false;
    audio.addEventListener('play', () => this.follow());
    audio.addEventListener('seeking', () => {
      if (this.ownSeek) this.ownSeek = false;
      else this.release();
    });
    audio.addEventListener('pause', () => {
      this.onTime(this.audio.currentTime);
    });
  }

  /**
   * @param {number} start first sample
   * @param {number} end sample after the last
   */
  async play(start, end) {
    const audio = this.audio;
    audio.pause();
    this.stopAt = end / this.sampleRate;
    audio.dataset.spanStart = String(start);
    audio.dataset.spanEnd = String(end);
    this.onSpan(start, end);
    this.ownSeek = true;
    audio.currentTime = start / this.sampleRate;
    try {
      await audio.play();
    } catch {
      // Playback refused (no audio device, or the page lost focus): the span stays shown.
    }
  }

  follow() {
    cancelAnimationFrame(this.frame);
    const step = () => {
      const audio = this.audio;
      if (this.stopAt !== null && audio.currentTime >= this.stopAt) {
        const end = this.stopAt;
        this.stopAt = null;
        audio.pause();
        this.ownSeek = true;
        audio.currentTime = end;
        this.onTime(end);
        return;
      }
      this.onTime(audio.currentTime);
      if (!audio.paused) this.frame = requestAnimationFrame(step);
    };
    this.frame = requestAnimationFrame(step);
  }

  /** Forget the span (the user seeks or plays with the element's own controls). */
  release() {
    this.stopAt = null;
  }
}
