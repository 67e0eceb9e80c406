// Debian's chromium driven by playwright-core, launched so it never waits on the network (this
// machine's is closed): no QUIC, no background networking, component updates or sync. Playwright's
// launch() gives every browser a fresh temporary profile (--user-data-dir) and removes it on close.
// With fakeMicrophone, getUserMedia is granted without a prompt and reads that WAV file once
// (then silence) instead of a microphone.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(options: { fakeMicrophone?: string } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No chromium at ${CHROMIUM_PATH}: install it (apt-get install -y --no-install-recommends chromium) or set CHROMIUM_PATH`);
  }
  const media = options.fakeMicrophone
    ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${options.fakeMicrophone}%noloop`]
    : [];
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_FLAGS, ...media], timeout: 60_000 });
}
