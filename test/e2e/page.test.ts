/**
 * The web page end to end in a real headless Chromium (Debian's, driven by playwright-core): the
 * local server serves the page, the page encrypts the astronaut photo in the browser with the
 * Encryption SDK for browsers, posts it to the real handler (real models), and draws one box.
 * A second server with CORS stands in for a deployed API chosen through the page's API URL.
 * Skips with a message where no Chromium is installed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createHandler } from '../../lambda/app.js';
import { createDecryptor } from '../../lambda/crypto/index.js';
import { type RunningServer, startServer } from '../../lambda/local/server.js';
import { redirectJsonLines } from '../../lambda/observability/output.js';
import { FACE_FIELDS } from '../../web/fields.js';
import { removeDir, tempDir, testConfig } from '../contract/support.js';
import { findChromium, NO_CHROMIUM_MESSAGE } from '../helpers/chromium.js';
import { fixturePath } from '../helpers/fixtures.js';
import { SAMPLE_FACE } from '../helpers/sample-face.js';

const executablePath = findChromium();
if (executablePath === undefined) console.warn(NO_CHROMIUM_MESSAGE);
const describeWithChromium = executablePath === undefined ? describe.skip : describe;

const PAGE_TIMEOUT_MS = 30_000;

describeWithChromium('the web page in headless Chromium', () => {
  let keyDir: string;
  let server: RunningServer;
  let browser: Browser;
  const pageErrors: string[] = [];
  let stopDiscarding: () => void = () => undefined;

  beforeAll(async () => {
    stopDiscarding = redirectJsonLines(() => undefined);
    keyDir = await tempDir('e2e-keys');
    [server, browser] = await Promise.all([
      startServer({ port: 0, config: testConfig(keyDir) }),
      chromium.launch({ executablePath, headless: true }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await removeDir(keyDir);
    stopDiscarding();
  });

  async function openPage(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    return page;
  }

  it('checks the astronaut photo: one face, its box drawn over the photo, every field with a hint', async () => {
    const page = await openPage(`${server.url}/`);
    await page.setInputFiles('#file', fixturePath('astronaut.png'));
    await page.waitForSelector('.face-box', { timeout: PAGE_TIMEOUT_MS });

    const answer = JSON.parse((await page.textContent('#raw')) ?? '{}') as {
      code: number;
      faces: (typeof SAMPLE_FACE)[];
    };
    expect(answer.code).toBe(1000);
    expect(answer.faces).toHaveLength(1);
    expect(await page.locator('.face').count()).toBe(1);
    expect(await page.textContent('#status')).toMatch(/^1 face found/);

    // The box is the answer's rect, in the photo's pixels, and lies on the displayed photo.
    const [face] = answer.faces;
    const box = page.locator('.face-box');
    expect(await box.count()).toBe(1);
    const attributes = await box.evaluate((rect) =>
      ['x', 'y', 'width', 'height'].map((name) => Number(rect.getAttribute(name))),
    );
    const { left, top, right, bottom } = face?.rect ?? { left: 0, top: 0, right: 0, bottom: 0 };
    expect(attributes).toEqual([left, top, right - left, bottom - top]);
    expect(await page.locator('#boxes').getAttribute('viewBox')).toBe('0 0 512 512');
    const drawn = await box.boundingBox();
    const photo = await page.locator('#image').boundingBox();
    expect(drawn?.width).toBeGreaterThan(20);
    expect(drawn?.height).toBeGreaterThan(20);
    if (drawn && photo) {
      expect(drawn.x).toBeGreaterThanOrEqual(photo.x);
      expect(drawn.y).toBeGreaterThanOrEqual(photo.y);
      expect(drawn.x + drawn.width).toBeLessThanOrEqual(photo.x + photo.width + 1);
      expect(drawn.y + drawn.height).toBeLessThanOrEqual(photo.y + photo.height + 1);
    }

    // Every field is listed with its value and a hint.
    const rows = await page.locator('.face tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        field: tr.getAttribute('data-field'),
        value: tr.querySelector('.value')?.textContent ?? '',
        hint: tr.querySelector('.hint')?.textContent ?? '',
      })),
    );
    expect(rows.map((r) => r.field)).toEqual(FACE_FIELDS.map((f) => f.path));
    for (const row of rows) {
      expect(row.value).toMatch(/^-?\d/);
      expect(row.hint.length).toBeGreaterThan(20);
    }
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('reports the API’s error for a photo without a face', async () => {
    const page = await openPage(`${server.url}/`);
    await page.setInputFiles('#file', fixturePath('no-face-coffee.png'));
    await page.waitForSelector('#status.error', { timeout: PAGE_TIMEOUT_MS });
    expect(await page.textContent('#status')).toMatch(/Error 4000: No face detected/);
    expect(await page.locator('.face-box').count()).toBe(0);
    await page.close();
  });

  it('calls another origin’s API chosen in the settings, through CORS', async () => {
    const apiKeys = await tempDir('e2e-api-keys');
    const pageOrigin = new URL(server.url).origin;
    const config = testConfig(apiKeys, { ALLOWED_ORIGINS: pageOrigin });
    const handler = createHandler({
      config,
      decryptor: await createDecryptor(config.keys, config.limits),
      engine: { analyze: async () => ({ faces: [SAMPLE_FACE], timingsMs: {} }) },
    });
    const api = await startServer({ port: 0, config, handler });
    try {
      const page = await openPage(`${server.url}/?api=${encodeURIComponent(api.url)}`);
      expect(await page.inputValue('#api-url')).toBe(api.url);
      await page.setInputFiles('#file', fixturePath('astronaut.png'));
      await page.waitForSelector('.face-box', { timeout: PAGE_TIMEOUT_MS });
      const answer = JSON.parse((await page.textContent('#raw')) ?? '{}') as { faces: unknown[] };
      expect(answer.faces).toEqual([SAMPLE_FACE]);
      await page.close();
    } finally {
      await api.close();
      await removeDir(apiKeys);
    }
  });
});
