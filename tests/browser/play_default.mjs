// SPDX-License-Identifier: MIT
// Browser test of the README's run command: `sluice serve` with no source option segments the
// sample media on first run, and its player page (GET /) lists the sample and plays it in
// headless Chromium with hls.js, with zero hls.js errors, fatal or not (the page starts
// playback on canplay, so the B-frame clip's start no longer trips hls.js's start-gap jump).
//
//   SLUICE_BIN=build/sluice SLUICE_TEST_MEDIA=dir SLUICE_SOURCE_DIR=. node play_default.mjs
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { check, finish, crash, startSluice, stopSluice, launchChromium } from './lib.mjs';

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'sluice-default-'));
  const samples = path.join(work, 'samples');
  mkdirSync(samples);
  copyFileSync(path.join(process.env.SLUICE_TEST_MEDIA, 'sample.mp4'), path.join(samples, 'sample.mp4'));
  const s = await startSluice([], { SLUICE_SAMPLE_DIR: samples }, 240000);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${s.base}/`);
    await page.waitForFunction(() => document.querySelectorAll('#streams a').length > 0, null,
      { timeout: 15000 }).catch(() => {});
    const names = await page.evaluate(() => [...document.querySelectorAll('#streams a')].map(x => x.textContent));
    check('the page lists the sample', names.includes('sample'), names.join(','));
    await page.evaluate(() => { document.getElementById('video').muted = true; });
    const r = await page.evaluate(() => new Promise(resolve => {
      const v = document.getElementById('video');
      const t0 = Date.now();
      (function poll() {
        if (v.currentTime > 3) resolve('ok');
        else if (Date.now() - t0 > 30000) resolve(`stuck at ${v.currentTime} (paused ${v.paused})`);
        else setTimeout(poll, 100);
      })();
    }));
    check('the sample plays on the player page (GET /)', r === 'ok', r);
    const errors = await page.evaluate(() => window.sluice.errors);
    check('zero hls.js errors', errors.length === 0, errors.join(' | '));
  } finally {
    await browser.close();
    check('exits 0 on SIGTERM', (await stopSluice(s)) === 0);
    rmSync(work, { recursive: true, force: true });
  }
  finish();
}

main().catch(crash);
