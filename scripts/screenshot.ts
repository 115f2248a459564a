/**
 * `npm run screenshot`: regenerates docs/screenshot.png, the README's picture of the page, from the
 * public-domain astronaut fixture: starts the local server (real models), checks the photo in
 * headless Chromium (as test/e2e/page.test.ts does) and saves a palette PNG of the page.
 */
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { loadConfig } from '../lambda/config.js';
import { startServer } from '../lambda/local/server.js';
import { redirectJsonLines } from '../lambda/observability/output.js';
import { REPO_ROOT } from '../layers/build-layers.js';
import { findChromium, NO_CHROMIUM_MESSAGE } from '../test/helpers/chromium.js';

const OUTPUT = join(REPO_ROOT, 'docs', 'screenshot.png');
const VIEWPORT = { width: 1100, height: 860 };

const executablePath = findChromium();
if (executablePath === undefined) {
  process.stderr.write(`${NO_CHROMIUM_MESSAGE}\n`);
  process.exit(1);
}
const keyDir = await mkdtemp(join(tmpdir(), 'face-quality-screenshot-'));
const restoreOutput = redirectJsonLines(() => undefined);
const server = await startServer({
  port: 0,
  config: loadConfig({ KEY_SOURCE: 'local', LOCAL_KEY_DIR: keyDir }),
});
const browser = await chromium.launch({ executablePath, headless: true });
try {
  const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
  await page.goto(`${server.url}/`);
  await page.setInputFiles('#file', join(REPO_ROOT, 'test', 'fixtures', 'astronaut.png'));
  await page.waitForSelector('.face-box', { timeout: 60_000 });
  // The elapsed time differs per run; keep the picture stable.
  await page.locator('#status').evaluate((status) => {
    status.textContent = '1 face found.';
  });
  const png = await page.screenshot({ fullPage: false });
  // A 256-colour palette keeps the picture a few hundred KB at most.
  await sharp(png).png({ palette: true, colours: 256, effort: 10, compressionLevel: 9 }).toFile(OUTPUT);
  const { size } = statSync(OUTPUT);
  process.stdout.write(`wrote ${OUTPUT} (${Math.round(size / 1024)} KiB)\n`);
} finally {
  await browser.close();
  await server.close();
  restoreOutput();
  await rm(keyDir, { recursive: true, force: true });
}
