/**
 * Finds a Chromium for playwright-core (which downloads no browser): `CHROMIUM_PATH`, else
 * Debian's `chromium` (installed by `.ci/run` where missing: `apt-get install chromium`), else
 * other usual places.
 */
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable'];

/** The Chromium executable, or undefined when none is installed. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) return existsSync(configured) ? configured : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/** Why a browser test is skipped. */
export const NO_CHROMIUM_MESSAGE =
  'Skipping the browser tests: no Chromium found (install it with `apt-get install chromium`, as .ci/run does, or set CHROMIUM_PATH)';
