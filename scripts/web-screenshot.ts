// Regenerates the README's screenshot of the web page (web/screenshot.png): the real server and
// bundled model, Debian's chromium, the example recording uploaded against a sentence it does not
// say ("Layla was at swimming"; it says "Layla is good at surfing"), so every kind of error shows,
// and the last error clicked, so its span is highlighted.
//   npm run web:screenshot [-- OUT.png]
import { join } from 'node:path';
import { load } from '../lib/engine.js';
import { generateIpa } from '../lib/g2p/generate-ipa.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { startWebServer } from '../web/server.js';

const ROOT = join(import.meta.dirname, '..');
const out = process.argv[2] ?? join(ROOT, 'web', 'screenshot.png');

const engine = await load();
const server = await startWebServer({ engine, generateIpa, maxBytes: 25_000_000, maxDurationSec: 60, host: '127.0.0.1', port: 0 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.fill('#target-input', 'Layla was at swimming');
  await page.click('#show-target');
  await page.waitForSelector('#target-phones ol');
  await page.setInputFiles('#upload', join(ROOT, 'examples', '001040067.flac'));
  await page.waitForSelector('#result:not([hidden])', { timeout: 60_000 });
  const last = page.locator('#errors .error-item').last();
  if ((await last.count()) > 0) {
    await last.click();
    await page.waitForFunction(() => (document.getElementById('span-player') as HTMLAudioElement).ended, undefined, { timeout: 20_000 });
  }
  await page.mouse.move(0, 0);
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`${out}\n`);
} finally {
  await browser.close();
  await server.close();
}
