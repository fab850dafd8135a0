// How Debian's Chromium is started everywhere here (Vitest browser mode, e2e, bench): Playwright cannot
// download its own browsers on these machines, and without the background-networking flags Chromium
// keeps trying hosts this closed network refuses.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
