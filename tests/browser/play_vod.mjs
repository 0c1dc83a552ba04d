// SPDX-License-Identifier: MIT
// Browser test: hls.js in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core) plays the sample VOD from a player page on a different origin than the
// stream (two sluice instances), reaches `ended`, seeks to the middle and near the end, and
// must see zero hls.js errors, fatal or not.
//
//   SLUICE_BIN=build/sluice SLUICE_HTTP_PACKAGE=dir SLUICE_SOURCE_DIR=. node play_vod.mjs
import { mkdtempSync, mkdirSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { check, finish, crash, startSluice, stopSluice, launchChromium } from './lib.mjs';

const pkg = process.env.SLUICE_HTTP_PACKAGE;

// Wait in the page until the video fires `ev` (or the predicate holds), with a timeout.
async function waitVideo(page, ev, timeoutMs) {
  return page.evaluate(([ev, timeoutMs]) => new Promise(resolve => {
    const v = document.getElementById('video');
    const t = setTimeout(() => resolve(`timeout waiting for ${ev} at ${v.currentTime}`), timeoutMs);
    v.addEventListener(ev, () => { clearTimeout(t); resolve('ok'); }, { once: true });
  }), [ev, timeoutMs]);
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'sluice-browser-'));
  const root = path.join(work, 'root');
  mkdirSync(root);
  cpSync(pkg, path.join(root, 'vod'), { recursive: true });
  // A serves the page (and lists its own streams), B serves the stream: two origins.
  const a = await startSluice(['--root', path.join(work)]);
  const b = await startSluice(['--root', root]);
  const stream = `${b.base}/vod/index.m3u8`;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const crossOrigin = [];
    page.on('request', r => { if (r.url().startsWith(b.base)) crossOrigin.push(r.url()); });
    page.on('pageerror', e => console.log(`# page error: ${e}`));
    await page.goto(`${a.base}/?autoplay=0&src=${encodeURIComponent(stream)}`);
    await page.waitForFunction(() => window.sluice && window.sluice.src, null, { timeout: 10000 });
    check('hls.js loaded from sluice itself', await page.evaluate(() => !!window.Hls));
    check('player page on another origin than the stream', new URL(a.base).origin !== new URL(b.base).origin);
    // Play (at 4x) only once hls.js has buffered ahead: on 2 CPUs shared with the decoder and
    // both servers, playing from an empty buffer stalls (bufferStalledError).
    await page.evaluate(() => { document.getElementById('video').muted = true; });
    await page.waitForFunction(() => {
      const v = document.getElementById('video');
      return v.readyState >= 4 && v.buffered.length && v.buffered.end(v.buffered.length - 1) >= 12;
    }, null, { timeout: 30000 });
    await page.evaluate(() => {
      const v = document.getElementById('video');
      v.playbackRate = 4;
      v.play();
    });
    let r = await waitVideo(page, 'ended', 90000);
    check('plays to ended', r === 'ok', r);
    const dur = await page.evaluate(() => document.getElementById('video').duration);
    check('duration is the clip\'s (about 30 s)', dur > 28 && dur < 32, `duration ${dur}`);
    check('segments fetched cross-origin', crossOrigin.some(u => u.endsWith('.ts')), crossOrigin.slice(0, 3).join(' '));
    for (const [name, at] of [['middle', dur / 2], ['near the end', dur - 3]]) {
      // listen for `seeked` before seeking: a seek into buffered media completes at once
      r = await page.evaluate(at => new Promise(resolve => {
        const v = document.getElementById('video');
        const t = setTimeout(() => resolve(`no seeked event (at ${v.currentTime})`), 20000);
        v.addEventListener('seeked', () => { clearTimeout(t); resolve('ok'); }, { once: true });
        v.currentTime = at;
        v.playbackRate = 2;
        v.play();
      }), at);
      check(`seek to the ${name}`, r === 'ok', r);
      r = await page.evaluate(at => new Promise(resolve => {
        const v = document.getElementById('video');
        const t0 = Date.now();
        (function poll() {
          if (v.currentTime > at + 1 || v.ended) resolve('ok');
          else if (Date.now() - t0 > 20000) resolve(`stuck at ${v.currentTime}`);
          else setTimeout(poll, 100);
        })();
      }), at);
      check(`plays on after the seek to the ${name}`, r === 'ok', r);
    }
    r = await waitVideo(page, 'ended', 30000);
    check('reaches ended again', r === 'ok' || (await page.evaluate(() => document.getElementById('video').ended)), r);
    const errors = await page.evaluate(() => window.sluice.errors);
    check('zero hls.js errors', errors.length === 0, errors.join(' | '));
    // the page from A lists A's streams
    await page.goto(`${a.base}/`);
    await page.waitForFunction(() => document.querySelectorAll('#streams a').length > 0, null, { timeout: 10000 })
      .catch(() => {});
    const names = await page.evaluate(() => [...document.querySelectorAll('#streams a')].map(x => x.textContent));
    check('player page lists the streams', names.includes('root/vod'), names.join(','));
  } finally {
    await browser.close();
    check('stream server exits 0 on SIGTERM', (await stopSluice(b)) === 0);
    check('page server exits 0 on SIGTERM', (await stopSluice(a)) === 0);
    rmSync(work, { recursive: true, force: true });
  }
  finish();
}

main().catch(crash);
