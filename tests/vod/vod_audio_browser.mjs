// SPDX-License-Identifier: MIT
// Browser test of alternate audio renditions: hls.js in headless Chromium plays the
// three-track clip (eng/fra/deu) from `sluice serve --vod` (JIT, byte-identical to `sluice
// segment`), lists its audio tracks with their languages, switches to French mid-play, then
// German, then back to the English track muxed in the video rendition, playing on across
// segment boundaries each time, with zero hls.js errors (fatal or not).
//
//   SLUICE_BIN=build/sluice SLUICE_TEST_MEDIA=dir SLUICE_SOURCE_DIR=. node vod_audio_browser.mjs
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { check, finish, crash, startSluice, stopSluice, launchChromium } from '../browser/lib.mjs';

const media = process.env.SLUICE_TEST_MEDIA;

// Switch hls.js to audio track `id` and wait until it says so and playback has moved on
// `ahead` seconds past the switch (across at least one segment boundary).
function switchAndPlay(page, id, ahead) {
  return page.evaluate(([id, ahead]) => new Promise(resolve => {
    const hls = window.sluice.hls;
    const v = document.getElementById('video');
    const from = v.currentTime;
    let switched = false;
    const t = setTimeout(() => resolve(`stuck at ${v.currentTime.toFixed(2)} (switched ${switched})`), 40000);
    hls.once(window.Hls.Events.AUDIO_TRACK_SWITCHED, (ev, d) => { switched = d.id === id; });
    hls.audioTrack = id;
    (function poll() {
      if (switched && (v.currentTime > from + ahead || v.ended)) { clearTimeout(t); resolve('ok'); }
      else setTimeout(poll, 100);
    })();
  }), [id, ahead]);
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'sluice-audio-browser-'));
  mkdirSync(path.join(work, 'media'));
  copyFileSync(path.join(media, 'multiaudio.mp4'), path.join(work, 'media', 'multiaudio.mp4'));
  const s = await startSluice(['--vod', path.join(work, 'media')]);
  const stream = '/vod/multiaudio.mp4/index.m3u8';
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const reqs = [];
    page.on('request', r => reqs.push(r.url()));
    await page.goto(`${s.base}/?autoplay=0&src=${encodeURIComponent(stream)}`);
    await page.waitForFunction(() => window.sluice && window.sluice.hls &&
      window.sluice.hls.audioTracks.length > 0, null, { timeout: 15000 });
    const tracks = await page.evaluate(() => window.sluice.hls.audioTracks.map(
      t => ({ lang: t.lang, name: t.name, def: t.default, url: t.url || '' })));
    check('three audio tracks listed', tracks.length === 3, JSON.stringify(tracks));
    check('languages en, fr, de in file order', tracks.map(t => t.lang).join(',') === 'en,fr,de',
      JSON.stringify(tracks));
    check('names English, French, German', tracks.map(t => t.name).join(',') === 'English,French,German');
    check('the English track is the default, muxed in (no URI)',
      tracks[0] && tracks[0].def && !tracks[0].url && tracks.filter(t => t.def).length === 1);
    // As vod_browser.mjs: start at 1 s once buffered. From 0 hls.js reports a non-fatal
    // bufferSeekOverHole at about 0.12 s for every B-frame clip (the demo clip too, one audio
    // track or three): a start-gap matter of the main rendition, not of audio renditions.
    await page.evaluate(() => { document.getElementById('video').muted = true; });
    await page.waitForFunction(() => {
      const v = document.getElementById('video');
      return v.readyState >= 3 && v.buffered.length && v.buffered.end(0) >= 6;
    }, null, { timeout: 30000 });
    await page.evaluate(() => {
      const v = document.getElementById('video');
      v.currentTime = 1;
      v.play();
    });
    await page.waitForFunction(() => document.getElementById('video').currentTime > 2, null,
      { timeout: 30000 });
    let r = await switchAndPlay(page, 1, 6);
    check('switch to French mid-play, plays on past a segment boundary', r === 'ok', r);
    check('French segments fetched from audio_1/', reqs.some(u => u.includes('/multiaudio.mp4/audio_1/seg')));
    r = await switchAndPlay(page, 2, 4);
    check('switch to German, plays on', r === 'ok', r);
    check('German segments fetched from audio_2/', reqs.some(u => u.includes('/multiaudio.mp4/audio_2/seg')));
    r = await switchAndPlay(page, 0, 3);
    check('back to the English track in the video rendition, plays on', r === 'ok', r);
    const state = await page.evaluate(() => ({
      track: window.sluice.hls.audioTrack, t: document.getElementById('video').currentTime,
    }));
    check('hls.js reports the English track', state.track === 0, JSON.stringify(state));
    const errors = await page.evaluate(() => window.sluice.errors);
    check('zero hls.js errors (fatal or not)', errors.length === 0, errors.join(' | '));
  } finally {
    await browser.close();
    check('server exits 0 on SIGTERM', (await stopSluice(s)) === 0);
    rmSync(work, { recursive: true, force: true });
  }
  finish();
}

main().catch(crash);
