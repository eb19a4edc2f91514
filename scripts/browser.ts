import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); playwright's own browser download does not work offline. */
export const CHROMIUM = process.env.RECON_CHROMIUM ?? '/usr/bin/chromium';

export const haveChromium = (): boolean => existsSync(CHROMIUM);

/** Headless, as root in a sandbox, and without the background services that only fail on a closed network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
