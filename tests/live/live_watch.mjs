// SPDX-License-Identifier: MIT
// Watches a live media playlist the way a player does and checks every poll with an
// independent parser (npm m3u8-parser) plus the RFC 8216 update rules. Shares no code with
// sluice.
//
//   node live_watch.mjs SOURCE --out LOG.json [--interval 0.5] [--events FILE]
//        [--min-discontinuities N] [--max-duration SEC]
//
// SOURCE is an http:// URL or a file path. It polls until SIGTERM/SIGINT (or --max-duration),
// then checks the whole history and prints "ok - ..." / "not ok - ..." lines; exit 1 on any
// failure. --events names a file of "start MS" / "stop MS" lines (epoch ms) written by the
// test while it runs the encoder: while the encoder runs (after a warm-up), a new segment
// must appear within 1.5 target durations (+ one poll interval of measuring slack).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(path.join(here, '../../package.json'));
const { Parser } = require('m3u8-parser');

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    interval: { type: 'string', default: '0.5' },
    events: { type: 'string' },
    'min-discontinuities': { type: 'string', default: '0' },
    'max-duration': { type: 'string', default: '600' },
    warmup: { type: 'string', default: '12' },
  },
});
const source = positionals[0];
const interval = Number(opt.interval) * 1000;
const polls = [];
let stopping = false;

async function fetchText() {
  if (/^https?:\/\//.test(source)) {
    const ctl = new AbortController();
    const t = setTimeout(() => ctl.abort(), 3000);
    try {
      const r = await fetch(source, { signal: ctl.signal, cache: 'no-store' });
      return { status: r.status, text: await r.text(), cc: r.headers.get('cache-control') };
    } finally { clearTimeout(t); }
  }
  try { return { status: 200, text: fs.readFileSync(source, 'utf8') }; }
  catch { return { status: 404, text: '' }; }
}

function parse(text) {
  const p = new Parser();
  p.push(text);
  p.end();
  return p.manifest;
}

async function pollLoop() {
  const t0 = Date.now();
  while (!stopping && Date.now() - t0 < Number(opt['max-duration']) * 1000) {
    const t = Date.now();
    try {
      const r = await fetchText();
      polls.push({ t, ...r });
    } catch (e) {
      polls.push({ t, status: 0, text: '', error: String(e) });
    }
    await new Promise(res => setTimeout(res, Math.max(0, interval - (Date.now() - t))));
  }
}

let passed = 0, failed = 0;
const fails = [];
function check(desc, ok, detail) {
  if (ok) { passed++; console.log(`ok - ${desc}`); }
  else { failed++; console.log(`not ok - ${desc}${detail ? `\n#   ${detail}` : ''}`); }
}

// Line-level facts m3u8-parser does not keep exactly.
function lineFacts(text) {
  const lines = text.split(/\r?\n/);
  return {
    header: lines[0] === '#EXTM3U',
    versions: lines.filter(l => l.startsWith('#EXT-X-VERSION:')).length,
    type: (lines.find(l => l.startsWith('#EXT-X-PLAYLIST-TYPE:')) || '').split(':')[1] || '',
    extinf: lines.filter(l => l.startsWith('#EXTINF:')).map(l => l.slice(8).split(',')[0]),
    pdt: lines.filter(l => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:')).length,
    hasDiscSeq: lines.some(l => l.startsWith('#EXT-X-DISCONTINUITY-SEQUENCE:')),
  };
}

// One playlist on its own.
function checkOne(i, m, f, problems) {
  const td = m.targetDuration;
  if (!f.header) problems.push(`poll ${i}: first line is not #EXTM3U`);
  if (f.versions > 1) problems.push(`poll ${i}: ${f.versions} EXT-X-VERSION lines`);
  if (!Number.isInteger(td) || td < 1) problems.push(`poll ${i}: bad target duration ${td}`);
  f.extinf.forEach((d, k) => {
    if (Math.round(Number(d)) > td) problems.push(`poll ${i}: EXTINF ${d} > target ${td}`);
    if (!(Number(d) > 0)) problems.push(`poll ${i}: EXTINF ${d} not positive`);
  });
  if (f.pdt !== m.segments.length) problems.push(`poll ${i}: ${f.pdt} PROGRAM-DATE-TIME for ${m.segments.length} segments`);
  // PDT maps the media timeline (RFC 8216 4.3.2.6): without a discontinuity a segment starts
  // where the previous one ends. Allowed: ms rounding, and sluice's slew of <= 5 ms per s.
  for (let k = 1; k < m.segments.length; k++) {
    const a = m.segments[k - 1], b = m.segments[k];
    if (b.discontinuity || !a.dateTimeObject || !b.dateTimeObject) continue;
    const gap = b.dateTimeObject.getTime() - (a.dateTimeObject.getTime() + a.duration * 1000);
    if (Math.abs(gap) > 5 * a.duration + 2)
      problems.push(`poll ${i}: PDT of ${b.uri} is ${gap.toFixed(0)} ms off the end of ${a.uri}`);
  }
  if (f.type === 'VOD') problems.push(`poll ${i}: a live playlist typed VOD`);
}

// The update rules between consecutive distinct playlists (RFC 8216 6.2.1, 6.2.2).
function checkUpdate(i, a, b, problems) {
  const ma = a.mediaSequence || 0, mb = b.mediaSequence || 0;
  const da = a.discontinuitySequence || 0, db = b.discontinuitySequence || 0;
  if (b.targetDuration !== a.targetDuration) problems.push(`poll ${i}: target duration ${a.targetDuration} -> ${b.targetDuration}`);
  if (mb < ma) { problems.push(`poll ${i}: media sequence went back ${ma} -> ${mb}`); return; }
  const removed = mb - ma;
  if (removed > a.segments.length) { problems.push(`poll ${i}: ${removed} removed of ${a.segments.length} listed`); return; }
  let discs = 0;
  for (let k = 0; k < removed; k++) if (a.segments[k].discontinuity) discs++;
  if (db !== da + discs) problems.push(`poll ${i}: discontinuity sequence ${da} -> ${db}, ${discs} discontinuities removed`);
  for (let k = removed; k < a.segments.length; k++) {
    const sa = a.segments[k], sb = b.segments[k - removed];
    if (!sb) { problems.push(`poll ${i}: segment ${sa.uri} vanished from the middle/tail`); break; }
    if (sa.uri !== sb.uri || Math.abs(sa.duration - sb.duration) > 0.0005 || !!sa.discontinuity !== !!sb.discontinuity ||
        sa.dateTimeString !== sb.dateTimeString)
      problems.push(`poll ${i}: segment ${ma + k} changed (${sa.uri} ${sa.duration} -> ${sb.uri} ${sb.duration})`);
  }
  if (a.endList && (b.segments.length !== a.segments.length || removed)) problems.push(`poll ${i}: ended playlist changed`);
}

function readEvents() {
  if (!opt.events || !fs.existsSync(opt.events)) return [];
  return fs.readFileSync(opt.events, 'utf8').split('\n').filter(Boolean).map(l => {
    const [what, ms] = l.split(' ');
    return { what, t: Number(ms) };
  });
}

// Encoder-running intervals [start + warmup, stop] from the events file.
function runningIntervals(events, endT) {
  const out = [];
  let start = null;
  for (const e of events) {
    if (e.what === 'start') start = e.t;
    if (e.what === 'stop' && start !== null) { out.push([start, e.t]); start = null; }
  }
  if (start !== null) out.push([start, endT]);
  return out;
}

function analyse() {
  const ok = polls.filter(p => p.status === 200 && p.text.startsWith('#EXTM3U'));
  check(`${polls.length} polls, ${ok.length} with a playlist`, ok.length > 0);
  const problems = [];
  let prev = null, prevText = null, windowFilled = false, td = 0, lastChange = null;
  const changes = [];
  let maxDisc = 0, discTags = new Set();
  ok.forEach((p, i) => {
    let m;
    try { m = parse(p.text); } catch (e) { problems.push(`poll ${i}: parser threw ${e}`); return; }
    const f = lineFacts(p.text);
    checkOne(i, m, f, problems);
    td = m.targetDuration;
    const dur = m.segments.reduce((s, x) => s + x.duration, 0);
    if (dur >= 3 * td) windowFilled = true;
    else if (windowFilled && !m.endList) problems.push(`poll ${i}: window ${dur.toFixed(3)} s < 3 target durations`);
    m.segments.forEach((s, k) => { if (s.discontinuity) discTags.add((m.mediaSequence || 0) + k); });
    maxDisc = Math.max(maxDisc, m.discontinuitySequence || 0);
    if (prev && p.text !== prevText) checkUpdate(i, prev, m, problems);
    const lastSeq = (m.mediaSequence || 0) + m.segments.length;
    if (!prev || lastSeq !== (prev.mediaSequence || 0) + prev.segments.length) changes.push(p.t);
    prev = m; prevText = p.text;
  });
  check('every playlist parses and follows RFC 8216 (target, EXTINF, PDT, sequences, window)',
        problems.length === 0, problems.slice(0, 8).join('\n#   '));
  const events = readEvents();
  const endT = polls.length ? polls[polls.length - 1].t : Date.now();
  const late = [];
  for (const [a, b] of runningIntervals(events, endT)) {
    const from = a + Number(opt.warmup) * 1000;
    const limit = 1.5 * td * 1000 + interval + 300;
    let last = changes.filter(t => t <= from).pop() ?? from;
    for (const t of changes.filter(t => t > from && t <= b).concat([b])) {
      if (t - last > limit) late.push(`no new segment for ${((t - last) / 1000).toFixed(1)} s (at ${new Date(t).toISOString()})`);
      last = t;
    }
  }
  check('a new segment within 1.5 target durations while the encoder runs', late.length === 0, late.join('; '));
  const minDisc = Number(opt['min-discontinuities']);
  const seen = discTags.size;
  check(`at least ${minDisc} discontinuities marked (saw ${seen}; discontinuity sequence reached ${maxDisc})`, seen >= minDisc);
  if (opt.out) fs.writeFileSync(opt.out, JSON.stringify({ polls: polls.map(p => ({ t: p.t, status: p.status, text: p.text })), changes }, null, 0));
  console.log(`# ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

let analysed = false;
function finish() { if (analysed) return; analysed = true; stopping = true; }
process.on('SIGTERM', finish);
process.on('SIGINT', finish);
await pollLoop();
analyse();
