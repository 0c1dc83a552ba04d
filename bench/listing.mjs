// SPDX-License-Identifier: MIT
// Listing delay: how long after a segment closes (its closing keyframe leaves the encoder)
// the segment is in the playlist. A paced sender (this script) plays a MPEG-TS file over UDP at
// its mux rate, datagram by datagram like a CBR encoder, and notes the moment it sends the
// datagram that starts each video keyframe (PUSI + random_access_indicator + PES stream id
// 0xE0..0xEF). The same datagrams go to `sluice serve --live` (standard HLS and LL-HLS
// channels) and, with FFMPEG=1, to `ffmpeg -c copy -f hls` writing to a folder. Each
// playlist is polled every 2 ms (sluice over a keep-alive connection; ffmpeg's file with
// read(2)); the delay of a segment is the time from the keyframe that closed it to the poll
// that first lists it. Polling adds 0-2 ms.
//
//   node bench/listing.mjs [--seconds 40] [--file bench/out/live-src.ts] [--muxrate 3300000]
// Environment: SLUICE_BIN (default build/sluice), FFMPEG=0 to leave ffmpeg out.
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import dgram from 'node:dgram';
import http from 'node:http';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const arg = (k, d) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1] : d);
const seconds = Number(arg('--seconds', 40));
const file = arg('--file', path.join(root, 'bench/out/live-src.ts'));
const muxrate = Number(arg('--muxrate', 3300000));
const bin = process.env.SLUICE_BIN || path.join(root, 'build/sluice');
const withFfmpeg = process.env.FFMPEG !== '0';
const sleep = ms => new Promise(r => setTimeout(r, ms));

if (!existsSync(file)) {
  console.error(`listing: ${file} is missing (SOURCE=ts bash bench/live.sh makes it)`);
  process.exit(2);
}
const ts = readFileSync(file);
const DGRAM = 7 * 188;

const pesPts = (b, pl) => (b[pl + 7] & 0x80)
  ? ((b[pl + 9] >> 1) & 7) * 2 ** 30 + ((b[pl + 10] << 8 | b[pl + 11]) >> 1) * 2 ** 15 + ((b[pl + 12] << 8 | b[pl + 13]) >> 1)
  : -1;

// Per video keyframe, datagram indexes: its start (PUSI + random_access_indicator + PES
// stream id 0xE0..0xEF), its end (the next video PES start: the keyframe has been sent), and
// when the segment's media is complete: also the audio up to the keyframe's time, i.e. the last
// TS packet of the audio PES that reaches past the keyframe's PTS. (Encoders that pack ~0.2 s
// of AAC per PES, as FFmpeg's muxer does, send it that much after the video of the same time.)
function keyDatagrams(buf) {
  const keys = new Set(), ends = new Set(), complete = new Set();
  let videoPid = -1, open = null;
  const audio = []; // [pts, first datagram, last datagram] per audio PES (first audio PID)
  const keyList = []; // [pts, start datagram, end datagram]
  let audioPid = -1;
  for (let off = 0; off + 188 <= buf.length; off += 188) {
    const p = off, d = Math.floor(off / DGRAM);
    if (buf[p] !== 0x47) continue;
    const pid = ((buf[p + 1] & 0x1f) << 8) | buf[p + 2];
    if (!(buf[p + 1] & 0x40)) {
      if (pid === audioPid && audio.length) audio[audio.length - 1][2] = d; // the PES goes on
      continue;
    }
    const afc = (buf[p + 3] >> 4) & 3;
    const pl = afc === 3 ? p + 5 + buf[p + 4] : afc === 1 ? p + 4 : p + 188;
    if (pl + 14 > p + 188 || buf[pl] !== 0 || buf[pl + 1] !== 0 || buf[pl + 2] !== 1) continue;
    const sid = buf[pl + 3];
    if ((sid & 0xe0) === 0xc0 || sid === 0xbd) {
      if (audioPid < 0) audioPid = pid;
      if (pid === audioPid) audio.push([pesPts(buf, pl), d, d]);
      continue;
    }
    if ((sid & 0xf0) !== 0xe0 || (videoPid >= 0 && pid !== videoPid)) continue;
    videoPid = pid;
    if (open) { open[2] = d; keyList.push(open); ends.add(d); open = null; }
    if (afc === 3 && buf[p + 4] > 0 && (buf[p + 5] & 0x40)) { keys.add(d); open = [pesPts(buf, pl), d, -1]; }
  }
  for (const [pts, , end] of keyList) {
    let done = end;
    // audio PES i spans [pts_i, pts_i+1): the first with pts_i+1 > key pts, complete with its
    // last TS packet
    for (let i = 0; i + 1 < audio.length; i++) {
      if (audio[i + 1][0] > pts) { done = Math.max(end, audio[i][2]); break; }
    }
    complete.add(done);
  }
  return { keys, ends, complete };
}
const { keys, ends, complete } = keyDatagrams(ts);
const ndgram = Math.floor(ts.length / DGRAM);

function startSluice(args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--quiet', '--access-log', 'off', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('sluice did not start')), 10000);
    proc.stdout.on('data', d => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve({ proc, port: Number(m[1]) }); }
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
function get(port, p) {
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path: p, agent }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => { body += d; });
      res.on('end', () => resolve(res.statusCode === 200 ? body : ''));
    });
    req.on('error', () => resolve(''));
  });
}

// segments listed so far: media sequence + EXTINF lines
function listed(text) {
  const m = text.match(/^#EXT-X-MEDIA-SEQUENCE:(\d+)/m);
  return m ? Number(m[1]) + (text.match(/^#EXTINF/gm) || []).length : 0;
}

function watcher(name, fetchText) {
  const w = { name, events: [], last: 0, stop: false };
  w.done = (async () => {
    while (!w.stop) {
      const n = listed(await fetchText());
      const now = performance.now();
      if (n > w.last) {
        if (w.last > 0) for (let k = w.last; k < n; k++) w.events.push(now);
        w.last = n;
      }
      await sleep(2);
    }
  })();
  return w;
}

const keyTimes = [], keyEndTimes = [], completeTimes = [];
async function send(sock, ports) {
  const t0 = performance.now();
  const usPerDgram = (DGRAM * 8 * 1e6) / muxrate;
  let i = 0;
  const total = Math.min(ndgram * 100, Math.ceil((seconds * 1e6) / usPerDgram));
  while (i < total) {
    const due = Math.floor(((performance.now() - t0) * 1000) / usPerDgram);
    for (; i < total && i <= due; i++) {
      const k = i % ndgram;
      if (k === 0 && i > 0) break; // no looping: the file's clock would jump
      const d = ts.subarray(k * DGRAM, (k + 1) * DGRAM);
      if (keys.has(k)) keyTimes.push(performance.now());
      if (ends.has(k)) keyEndTimes.push(performance.now());
      if (complete.has(k)) completeTimes.push(performance.now());
      for (const p of ports) sock.send(d, p, '127.0.0.1');
    }
    if (i % ndgram === 0 && i > 0) break;
    await sleep(1);
  }
}

// each listing is charged to the latest keyframe start (or end) sent before it
function delays(events, marks) {
  const d = [];
  for (const t of events) {
    let k = -1;
    for (const kt of marks) if (kt <= t) k = kt;
    if (k >= 0 && t - k < 1500) d.push(t - k);
  }
  return d.sort((a, b) => a - b);
}

function quantiles(d) {
  const q = f => (d.length ? d[Math.min(d.length - 1, Math.floor(f * d.length))].toFixed(1) : 'n/a');
  return `median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${d.length ? d[d.length - 1].toFixed(1) : 'n/a'} ms`;
}

function summary(w) {
  const a = delays(w.events, keyTimes), b = delays(w.events, keyEndTimes), c = delays(w.events, completeTimes);
  return `${w.name}: ${a.length} segments listed\n    after the start of their closing keyframe: ${quantiles(a)}\n` +
    `    after its last byte was sent:            ${quantiles(b)}\n` +
    `    after that and the audio up to it:       ${quantiles(c)}`;
}

async function main() {
  const sock = dgram.createSocket('udp4');
  const base = 30000 + Math.floor(Math.random() * 20000);
  // two servers: --no-low-latency is server-wide
  const s = await startSluice(['--no-low-latency', '--live', `std=udp://127.0.0.1:${base}`]);
  const s2 = await startSluice(['--live', `ll=udp://127.0.0.1:${base + 1}`]);
  const ports = [base, base + 1];
  const ws = [watcher('sluice serve --live --no-low-latency', () => get(s.port, '/live/std/stream.m3u8')),
    watcher('sluice serve --live (LL-HLS)', () => get(s2.port, '/live/ll/stream.m3u8'))];
  let ff = null, dir = null;
  if (withFfmpeg) {
    dir = mkdtempSync(path.join(tmpdir(), 'sluice-listing-'));
    ff = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', `udp://127.0.0.1:${base + 3}`, '-c', 'copy', '-f', 'hls',
      '-hls_time', '2', '-hls_list_size', '6', path.join(dir, 'stream.m3u8')], { stdio: 'inherit' });
    ports.push(base + 3);
    ws.push(watcher('ffmpeg -c copy -f hls', async () => { try { return readFileSync(path.join(dir, 'stream.m3u8'), 'utf8'); } catch { return ''; } }));
  }
  await sleep(500);
  await send(sock, ports);
  await sleep(500);
  for (const w of ws) w.stop = true;
  await Promise.all(ws.map(w => w.done));
  s.proc.kill('SIGTERM');
  s2.proc.kill('SIGTERM');
  if (ff) ff.kill('SIGINT');
  sock.close();
  agent.destroy();
  const sendMs = keyTimes.map((t, i) => keyEndTimes[i] - t).filter(Number.isFinite).sort((a, b) => a - b);
  console.log(`input: ${path.relative(root, file)} paced at ${(muxrate / 1e6).toFixed(2)} Mbit/s, ${keyTimes.length} keyframes sent, ` +
    `each in ${quantiles(sendMs)}`);
  for (const w of ws) console.log(summary(w));
  if (dir) rmSync(dir, { recursive: true, force: true });
}

main().catch(e => { console.error(e); process.exit(1); });
