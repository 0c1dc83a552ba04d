// SPDX-License-Identifier: MIT
// Browser test: hls.js in headless Chromium (Debian's /usr/bin/chromium via playwright-core)
// plays a live channel of `sluice serve --live` fed by the ffmpeg CLI over UDP for >= 30 s
// without a stall or any hls.js error and reports its latency (hls.latency); then the encoder
// is stopped and restarted and playback must resume. By default the channel is LL-HLS (what
// `serve --live` does unless --no-low-latency): hls.js (lowLatencyMode) must load parts (byte
// ranges of the segment being written) and play with zero hls.js errors, fatal or not. With
// --no-low-latency the channel is standard HLS and hls.js must load whole segments.
//
//   SLUICE_BIN=build/sluice SLUICE_SOURCE_DIR=. node play_live.mjs [--no-low-latency] [--json FILE]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import dgram from 'node:dgram';
import { check, finish, crash, startSluice, stopSluice, launchChromium } from './lib.mjs';

const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : null;
const lowLatency = !process.argv.includes('--no-low-latency');
const procs = []; // killed if the test itself fails
const sleep = ms => new Promise(r => setTimeout(r, ms));

function freeUdpPort() {
  return new Promise(resolve => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function startEncoder(port, extra = []) {
  const p = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-tune', 'zerolatency', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-b:v', '1M',
    '-c:a', 'aac', '-b:a', '96k', ...extra, '-f', 'mpegts', `udp://127.0.0.1:${port}?pkt_size=1316`],
  { stdio: ['ignore', 'ignore', 'inherit'] });
  procs.push(p);
  return p;
}

function stopProc(p, sig = 'SIGINT') {
  return new Promise(resolve => {
    if (p.exitCode !== null || p.signalCode !== null) { resolve(p.exitCode ?? p.signalCode); return; }
    p.removeAllListeners('exit');
    p.on('exit', (code, s) => resolve(code === null ? s : code));
    p.kill(sig);
  });
}

async function segmentsListed(url) {
  try { return ((await (await fetch(url)).text()).match(/^#EXTINF/gm) || []).length; } catch { return 0; }
}

const median = a => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.floor(s.length / 2)] : NaN; };

// Fault: the encoder stops for 6 s and comes back with another clock; playback must resume.
async function outage(page, port, steady, result, setEnc, enc) {
    // fault: the encoder stops for 6 s and comes back with another clock
    await stopProc(enc);
    await sleep(6000);
    const before = await page.evaluate(() => document.getElementById('video').currentTime);
    enc = startEncoder(port, ['-output_ts_offset', '3000']);
    setEnc(enc);
    const tr = Date.now();
    let resumed = null;
    while (Date.now() - tr < 40000) {
      await sleep(200);
      const t = await page.evaluate(() => document.getElementById('video').currentTime);
      if (t > before + 1.0) { resumed = (Date.now() - tr) / 1000; break; }
    }
    result.resume_s = resumed;
    check(`playback resumes after the encoder restart (${resumed === null ? 'never' : resumed.toFixed(1) + ' s'})`, resumed !== null);
    await sleep(8000);
    const after = await page.evaluate(() => ({ t: document.getElementById('video').currentTime, errors: window.sluice.errors.slice() }));
    check('keeps playing after the restart', after.t > before + 5, `currentTime ${after.t}, before ${before}`);
    const fatal = after.errors.filter(e => /fatal/i.test(e) && !/fatal[=:]\s*false/i.test(e));
    result.errors_during_outage = after.errors.slice(steady.errors.length);
    console.log(`# hls.js errors around the outage: ${result.errors_during_outage.join(' | ') || 'none'}`);
    check('no fatal hls.js error around the outage', fatal.length === 0, fatal.join(' | '));
}

async function main() {
  const port = await freeUdpPort();
  const s = await startSluice(['--live', `cam=udp://127.0.0.1:${port}`, '--io-timeout', '2', '--reconnect-max', '1',
    ...(lowLatency ? [] : ['--no-low-latency'])]);
  procs.push(s.proc);
  const playlist = `${s.base}/live/cam/stream.m3u8`;
  let enc = startEncoder(port);
  const t0 = Date.now();
  while (await segmentsListed(playlist) < 3 && Date.now() - t0 < 20000) await sleep(100);
  const firstThree = (Date.now() - t0) / 1000;
  check(`3 segments listed ${firstThree.toFixed(1)} s after the encoder started`, firstThree < 20);
  const browser = await launchChromium();
  const result = { first_three_s: firstThree };
  try {
    const page = await browser.newPage();
    page.on('pageerror', e => console.log(`# page error: ${e}`));
    await page.goto(`${s.base}/?src=${encodeURIComponent('/live/cam/index.m3u8')}`);
    await page.waitForFunction(() => window.sluice && window.sluice.hls, null, { timeout: 10000 });
    await page.evaluate(() => {
      const v = document.getElementById('video');
      v.muted = true;
      window.liveLog = { waiting: 0, parts: 0, frags: 0, events: [] };
      const note = what => { window.liveLog.events.push(`${(performance.now() / 1000).toFixed(2)} ${what} t=${v.currentTime.toFixed(2)}`);
        if (window.liveLog.events.length > 200) window.liveLog.events.shift(); };
      window.sluice.hls.on('hlsFragLoaded', (ev, d) => { if (d.part) window.liveLog.parts++; else window.liveLog.frags++; });
      v.addEventListener('waiting', () => { if (v.currentTime > 0) window.liveLog.waiting++; note('waiting'); });
      v.addEventListener('playing', () => { if (window.liveLog.playingAt === undefined) window.liveLog.playingAt = v.currentTime; });
      if (!v.paused && !v.seeking && v.readyState >= 3) window.liveLog.playingAt = v.currentTime; // already playing
      for (const e of ['seeking', 'seeked', 'stalled', 'ratechange', 'playing', 'pause'])
        v.addEventListener(e, () => note(e));
      window.sluice.hls.on('hlsBufferFlushing', (ev, d) => note(`flushing ${d.startOffset}-${d.endOffset}`));
      window.sluice.hls.on('hlsError', (ev, d) => note(`error ${d.details}`));
    });
    // playback has started: 0.5 s played since the first 'playing' event. (currentTime alone
    // is no sign: hls.js seeks to its live start position, 8 s or so, before anything is
    // buffered, and the media element reports the target of that seek at once.)
    await page.waitForFunction(() => {
      const v = document.getElementById('video');
      return window.liveLog.playingAt !== undefined && !v.seeking && v.currentTime > window.liveLog.playingAt + 0.5;
    }, null, { timeout: 30000 });
    // steady phase: >= 30 s of playback, sampling latency and progress every second (stalls
    // count from here: the start itself, seeking to hls.js's start position, is not one)
    await page.evaluate(() => { window.liveLog.waiting = 0; });
    const lat = [];
    // progress is judged in the page's own clock: under load the harness's evaluate() calls
    // can run late, and two of them 0.2 s apart in page time are not a stall
    let last = await page.evaluate(() => ({ t: document.getElementById('video').currentTime, now: performance.now(), rs: document.getElementById('video').readyState, buf: '' }));
    let stuck = 0;
    for (let i = 0; i < 32; i++) {
      await sleep(1000);
      const st = await page.evaluate(() => {
        const v = document.getElementById('video');
        const b = []; for (let k = 0; k < v.buffered.length; k++) b.push(`${v.buffered.start(k).toFixed(2)}-${v.buffered.end(k).toFixed(2)}`);
        const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : {};
        return { t: v.currentTime, now: performance.now(), lat: window.sluice.hls.latency, rs: v.readyState, rate: v.playbackRate,
          buf: b.join(','), frames: q.totalVideoFrames, dropped: q.droppedVideoFrames };
      });
      const elapsed = (st.now - last.now) / 1000;
      if (elapsed >= 0.5 && st.t - last.t < 0.5 * elapsed) {
        stuck++;
        const ev = await page.evaluate(() => window.liveLog.events.slice(-12));
        console.log(`# stuck sample: page ${(last.now / 1000).toFixed(2)}->${(st.now / 1000).toFixed(2)} currentTime ${last.t.toFixed(2)}->${st.t.toFixed(2)}` +
          ` readyState ${last.rs}->${st.rs} rate ${st.rate} buffered [${last.buf}]->[${st.buf}] frames ${last.frames}->${st.frames} dropped ${st.dropped}` +
          ` latency ${st.lat}; events: ${ev.join(' | ') || 'none'}`);
      }
      last = st;
      if (Number.isFinite(st.lat) && st.lat > 0) lat.push(st.lat);
    }
    const steady = await page.evaluate(() => ({ errors: window.sluice.errors.slice(), waiting: window.liveLog.waiting,
      parts: window.liveLog.parts, frags: window.liveLog.frags, ll: window.sluice.hls.config.lowLatencyMode }));
    result.parts_loaded = steady.parts;
    result.segments_loaded = steady.frags;
    result.latency_median_s = median(lat);
    result.latency_min_s = Math.min(...lat);
    result.latency_max_s = Math.max(...lat);
    console.log(`# hls.js latency over 32 s: median ${median(lat).toFixed(2)} s (min ${Math.min(...lat).toFixed(2)}, max ${Math.max(...lat).toFixed(2)})`);
    check('plays 32 s of live without a stall', stuck === 0 && steady.waiting === 0, `stuck samples ${stuck}, waiting events ${steady.waiting}`);
    check('zero hls.js errors while playing', steady.errors.length === 0, steady.errors.join(' | '));
    check('latency reported', lat.length > 20);
    if (lowLatency) {
      check('hls.js runs with lowLatencyMode: true', steady.ll === true);
      check(`hls.js loads parts (${steady.parts} parts, ${steady.frags} whole segments)`, steady.parts > 20);
    } else {
      check(`hls.js loads whole segments (${steady.frags} segments, ${steady.parts} parts)`, steady.frags > 10 && steady.parts === 0);
    }
    await outage(page, port, steady, result, e => { enc = e; }, enc);
  } finally {
    await browser.close();
    await stopProc(enc);
    check('sluice exits 0 on SIGTERM', (await stopSluice(s)) === 0);
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result));
  finish();
}

main().catch(e => {
  for (const p of procs) { try { p.kill('SIGKILL'); } catch { /* gone */ } }
  crash(e);
});
