// The files of one MFA request, in a folder of their own that is removed when the request ends,
// however it ends (a result, a timeout, a crashed helper): MFA's users report temporary folders
// left behind by the gigabyte (MFA #722).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pcm16Wav } from '../audio/wav.js';

export interface RequestFiles {
  dir: string;
  audio: string;
  dictionary: string;
  /** The transcript as a .lab file (what `mfa align_one` reads). */
  transcript: string;
}

export async function withRequestFiles<T>(
  tempDir: string,
  content: { samples: Float32Array; dictionary: string; transcript: string },
  use: (files: RequestFiles) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tempDir, 'pe-mfa-request-'));
  try {
    const files: RequestFiles = { dir, audio: join(dir, 'audio.wav'), dictionary: join(dir, 'dictionary.dict'), transcript: join(dir, 'audio.lab') };
    await Promise.all([
      writeFile(files.audio, pcm16Wav(content.samples)),
      writeFile(files.dictionary, content.dictionary),
      writeFile(files.transcript, content.transcript),
    ]);
    return await use(files);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
