// SPDX-License-Identifier: MIT
// Browser test of JIT VOD: hls.js in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core) plays /vod/sample.mp4/index.m3u8 from `sluice serve --vod`, segments
// produced on request, seeks to the middle and near the end, with zero hls.js errors.
//
//   SLUICE_BIN=build/sluice SLUICE_TEST_MEDIA=dir SLUICE_SOURCE_DIR=. node vod_browser.mjs
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { check, finish, crash, startSluice, stopSluice, launchChromium } from '../browser/lib.mjs';

const media = process.env.SLUICE_TEST_MEDIA;

// Seek to `at`, wait for `seeked`, then for playback to move 1 s past it (or end).
function seekAndPlay(page, at) {
  return page.evaluate(at => new Promise(resolve => {
    const v = document.getElementById('video');
    const t = setTimeout(() => resolve(`stuck at ${v.currentTime}`), 30000);
    v.addEventListener('seeked', () => {
      (function poll() {
        if (v.currentTime > at + 1 || v.ended) { clearTimeout(t); resolve('ok'); }
        else setTimeout(poll, 100);
      })();
    }, { once: true });
    v.currentTime = at;
    v.play();
  }), at);
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'sluice-vod-browser-'));
  mkdirSync(path.join(work, 'media'));
  copyFileSync(path.join(media, 'sample.mp4'), path.join(work, 'media', 'sample.mp4'));
  const s = await startSluice(['--vod', path.join(work, 'media')]);
  const stream = '/vod/sample.mp4/index.m3u8';
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const segs = [];
    page.on('request', r => { if (r.url().endsWith('.ts')) segs.push(r.url()); });
    await page.goto(`${s.base}/?autoplay=0&src=${encodeURIComponent(stream)}`);
    await page.waitForFunction(() => window.sluice && window.sluice.src, null, { timeout: 10000 });
    await page.evaluate(() => { document.getElementById('video').muted = true; });
    await page.waitForFunction(() => {
      const v = document.getElementById('video');
      return v.readyState >= 3 && v.buffered.length && v.buffered.end(0) >= 6;
    }, null, { timeout: 30000 });
    const dur = await page.evaluate(() => document.getElementById('video').duration);
    check('duration is the clip\'s (about 30 s)', dur > 28 && dur < 32, `duration ${dur}`);
    let r = await seekAndPlay(page, 1);
    check('plays from the start', r === 'ok', r);
    r = await seekAndPlay(page, dur / 2);
    check('seek to the middle plays on', r === 'ok', r);
    r = await seekAndPlay(page, dur - 3);
    check('seek near the end plays on', r === 'ok', r);
    check('JIT segments were fetched', segs.some(u => u.includes('/vod/sample.mp4/seg')), segs.slice(0, 3).join(' '));
    const errors = await page.evaluate(() => window.sluice.errors);
    check('zero hls.js errors', errors.length === 0, errors.join(' | '));
    await page.goto(`${s.base}/`);
    await page.waitForFunction(() => document.querySelectorAll('#streams a').length > 0, null, { timeout: 10000 })
      .catch(() => {});
    const names = await page.evaluate(() => [...document.querySelectorAll('#streams a')].map(x => x.textContent));
    check('player page lists the VOD file', names.some(n => n.includes('sample.mp4')), names.join(','));
  } finally {
    await browser.close();
    check('server exits 0 on SIGTERM', (await stopSluice(s)) === 0);
    rmSync(work, { recursive: true, force: true });
  }
  finish();
}

main().catch(crash);
