#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// check_hls.mjs: an independent checker for an HLS package on disk (MPEG-TS segments).
// It shares no code with sluice: playlists are parsed with the npm m3u8-parser plus a line-level
// RFC 8216 pass, segments are probed with ffprobe, and the whole package is decoded with ffmpeg.
//
// usage: node check_hls.mjs OUTDIR [options]
//   --entry NAME            entry playlist in OUTDIR (default index.m3u8)
//   --input FILE            the source file: EXTINF sum must match its duration
//   --multivariant          the entry must be a multivariant playlist
//   --playlist-type T       expected EXT-X-PLAYLIST-TYPE: VOD (default), EVENT or none
//   --target-duration N     expected EXT-X-TARGETDURATION
//   --segments N            expected number of segments
//   --extinf LIST           expected EXTINF per segment, comma-separated, '*' for any
//   --codecs LIST           allowed ffprobe codec names in segments (e.g. h264,aac)
//   --base-url URL          every segment URI must start with URL (mapped to OUTDIR to check)
//   --uri-regex RE          every segment URI (after the base URL) must match RE
//   --allow-decode-errors   do not require a silent `ffmpeg -v error` decode (corrupt input)
//   --no-av-start           skip the first-segment audio/video start alignment check
//   --audio-renditions N    expected number of EXT-X-MEDIA TYPE=AUDIO entries
//   --languages LIST        their LANGUAGE values in order, comma-separated ('' for none)
// EXT-X-MEDIA renditions are always checked and their URIs followed (check_hls_audio.mjs).
// Prints one line per failed check ("FAIL <check>: <detail>") and exits 1 if any failed,
// 2 on a usage error; prints a one-line summary on success.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { checkAudioRenditions } from './check_hls_audio.mjs';

let m3u8;
try {
    m3u8 = (await import('m3u8-parser')).default;
} catch (e) {
    console.error(`FAIL setup: cannot load m3u8-parser (run 'npm ci' at the repo root): ${e.message}`);
    process.exit(2);
}

const TS_CLOCK = 90000;
const WRAP = 2 ** 33;
const MAX_LINES_PER_CHECK = 8;
const failures = new Map();

// fail records one failed check; repeated failures of one check are capped in the output.
function fail(check, detail) {
    const list = failures.get(check) || [];
    list.push(detail);
    failures.set(check, list);
}

function parseOptions(argv) {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
            entry: { type: 'string', default: 'index.m3u8' },
            input: { type: 'string' },
            multivariant: { type: 'boolean', default: false },
            'playlist-type': { type: 'string', default: 'VOD' },
            'target-duration': { type: 'string' },
            segments: { type: 'string' },
            extinf: { type: 'string' },
            codecs: { type: 'string' },
            'base-url': { type: 'string' },
            'uri-regex': { type: 'string' },
            'allow-decode-errors': { type: 'boolean', default: false },
            'no-av-start': { type: 'boolean', default: false },
            'audio-renditions': { type: 'string' },
            languages: { type: 'string' },
        },
    });
    if (positionals.length !== 1) {
        throw new Error('expected exactly one OUTDIR');
    }
    return { outdir: positionals[0], ...values };
}

// Signed difference b - a of two 90 kHz timestamps, modulo the 33-bit wrap.
function tsDiff(a, b) {
    let d = (b - a) % WRAP;
    if (d > WRAP / 2) {
        d -= WRAP;
    } else if (d < -WRAP / 2) {
        d += WRAP;
    }
    return d;
}

// Run a tool with a deadline (a live-looking playlist would make ffmpeg poll forever).
function run(cmd, args, timeoutSec = 120) {
    const r = spawnSync(cmd, args, {
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
        timeout: timeoutSec * 1000,
        killSignal: 'SIGKILL',
    });
    if (r.error) {
        throw new Error(`${cmd}: ${r.error.message}`);
    }
    return r;
}

function parseManifest(text) {
    const p = new m3u8.Parser();
    p.push(text);
    p.end();
    return p.manifest;
}

// Tag lines (without the '#EXT...' value) of a playlist, for the rules m3u8-parser hides.
function tagLines(text) {
    return text.split(/\r?\n/).filter((l) => l.startsWith('#EXT'));
}

// RFC 8216 4.3.1.1/4.3.1.2: EXTM3U first, exactly one EXT-X-VERSION.
function checkCommonTags(name, text) {
    const lines = text.split(/\r?\n/);
    if (lines[0] !== '#EXTM3U') {
        fail('extm3u', `${name}: first line is '${lines[0]}', not #EXTM3U`);
    }
    const versions = lines.filter((l) => l.startsWith('#EXT-X-VERSION:'));
    if (versions.length !== 1) {
        fail('version', `${name}: ${versions.length} EXT-X-VERSION tags, want exactly 1`);
    }
    if (!text.endsWith('\n')) {
        fail('complete', `${name}: does not end with a newline (half-written?)`);
    }
    return versions.length ? parseInt(versions[0].split(':')[1], 10) : 0;
}

// Map a playlist URI to a local path: strip --base-url, resolve relative to the playlist.
// The base URL stands for OUTDIR itself (also for playlists in its subfolders).
function localPath(uri, playlistDir, opts) {
    let u = uri;
    let dir = playlistDir;
    if (opts['base-url'] && u.startsWith(opts['base-url'])) {
        u = u.slice(opts['base-url'].length);
        dir = opts.outdir;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(u)) {
        return null;
    }
    return path.resolve(dir, decodeURIComponent(u));
}

// (a) The entry playlist: a media playlist, or a multivariant one whose variants are followed.
function readEntry(opts) {
    const file = path.join(opts.outdir, opts.entry);
    if (!fs.existsSync(file)) {
        fail('entry', `${file} does not exist`);
        return null;
    }
    const text = fs.readFileSync(file, 'utf8');
    const manifest = parseManifest(text);
    if (!manifest.playlists || manifest.playlists.length === 0) {
        if (opts.multivariant) {
            fail('multivariant', `${opts.entry} is not a multivariant playlist`);
        }
        return { variant: null, mediaFile: file, mediaText: text };
    }
    checkCommonTags(opts.entry, text);
    if (tagLines(text).some((l) => l.startsWith('#EXTINF'))) {
        fail('multivariant', `${opts.entry} mixes EXT-X-STREAM-INF and EXTINF`);
    }
    if (manifest.playlists.length !== 1) {
        fail('multivariant', `${manifest.playlists.length} variants; only the first is checked`);
    }
    const variant = manifest.playlists[0];
    const mediaFile = localPath(variant.uri, opts.outdir, opts);
    if (!mediaFile || !fs.existsSync(mediaFile)) {
        fail('variant-uri', `variant URI '${variant.uri}' does not name a file in OUTDIR`);
        return null;
    }
    return { variant, mediaFile, mediaText: fs.readFileSync(mediaFile, 'utf8'), multiText: text };
}

function checkTargetDuration(name, text, manifest, opts) {
    const tds = tagLines(text).filter((l) => l.startsWith('#EXT-X-TARGETDURATION:'));
    if (tds.length !== 1 || !/^#EXT-X-TARGETDURATION:[0-9]+$/.test(tds[0])) {
        fail('targetduration', `${name}: want one integer EXT-X-TARGETDURATION, got ${tds}`);
        return;
    }
    const td = parseInt(tds[0].split(':')[1], 10);
    if (td < 1) {
        fail('targetduration', `${name}: EXT-X-TARGETDURATION ${td} < 1`);
    }
    if (opts['target-duration'] !== undefined && td !== Number(opts['target-duration'])) {
        fail('targetduration', `${name}: EXT-X-TARGETDURATION ${td}, want ${opts['target-duration']}`);
    }
    // RFC 8216 4.3.3.1: each EXTINF, rounded to the nearest integer, must be <= TARGETDURATION.
    manifest.segments.forEach((s, i) => {
        if (Math.round(s.duration) > td) {
            fail('targetduration', `${name}: segment ${i} EXTINF ${s.duration} rounds above ${td}`);
        }
    });
}

function checkPlaylistType(name, text, manifest, opts) {
    const want = opts['playlist-type'].toUpperCase();
    const got = manifest.playlistType || 'NONE';
    if (got !== want) {
        fail('playlist-type', `${name}: EXT-X-PLAYLIST-TYPE ${got}, want ${want}`);
    }
    const tags = tagLines(text);
    // A finished VOD or EVENT package ends with EXT-X-ENDLIST, after the last segment.
    if (!manifest.endList || tags[tags.length - 1] !== '#EXT-X-ENDLIST') {
        fail('endlist', `${name}: EXT-X-ENDLIST missing or not the last tag`);
    }
    const seqs = tags.filter((l) => l.startsWith('#EXT-X-MEDIA-SEQUENCE'));
    if (seqs.length > 1 || (seqs.length === 1 && !/^#EXT-X-MEDIA-SEQUENCE:[0-9]+$/.test(seqs[0]))) {
        fail('media-sequence', `${name}: bad EXT-X-MEDIA-SEQUENCE: ${seqs}`);
    }
    const firstSeg = tags.findIndex((l) => l.startsWith('#EXTINF'));
    if (seqs.length === 1 && tags.indexOf(seqs[0]) > firstSeg) {
        fail('media-sequence', `${name}: EXT-X-MEDIA-SEQUENCE after the first segment`);
    }
}

function checkSegmentList(name, manifest, version, opts, dir) {
    const segs = manifest.segments;
    if (segs.length === 0) {
        fail('segments', `${name}: no segments`);
    }
    if (opts.segments !== undefined && segs.length !== Number(opts.segments)) {
        fail('segments', `${name}: ${segs.length} segments, want ${opts.segments}`);
    }
    const uriRe = opts['uri-regex'] ? new RegExp(opts['uri-regex']) : null;
    return segs.map((s, i) => {
        if (!(s.duration > 0)) {
            fail('extinf', `segment ${i}: EXTINF ${s.duration} is not positive`);
        }
        if (!Number.isInteger(s.duration) && version < 3) {
            fail('version', `${name}: decimal EXTINF needs EXT-X-VERSION >= 3, have ${version}`);
        }
        if (opts['base-url'] && !s.uri.startsWith(opts['base-url'])) {
            fail('base-url', `segment ${i}: URI '${s.uri}' lacks prefix ${opts['base-url']}`);
        }
        const rel = opts['base-url'] ? s.uri.slice(opts['base-url'].length) : s.uri;
        if (uriRe && !uriRe.test(rel)) {
            fail('uri', `segment ${i}: URI '${rel}' does not match ${uriRe}`);
        }
        const file = localPath(s.uri, dir, opts);
        if (!file || !fs.existsSync(file) || fs.statSync(file).size === 0) {
            fail('segment-file', `segment ${i}: '${s.uri}' missing or empty in OUTDIR`);
            return { uri: s.uri, extinf: s.duration, file: null };
        }
        return { uri: s.uri, extinf: s.duration, file, size: fs.statSync(file).size };
    });
}

// (b) RFC 8216 rules of the media playlist. Returns the segment list.
function checkMediaPlaylist(entry, opts) {
    const name = path.basename(entry.mediaFile);
    const text = entry.mediaText;
    const version = checkCommonTags(name, text);
    const manifest = parseManifest(text);
    if (manifest.playlists && manifest.playlists.length) {
        fail('media-playlist', `${name} is a multivariant playlist, want a media playlist`);
        return [];
    }
    checkTargetDuration(name, text, manifest, opts);
    checkPlaylistType(name, text, manifest, opts);
    return checkSegmentList(name, manifest, version, opts, path.dirname(entry.mediaFile));
}

// A TS file must start with a PAT (PID 0), and the PMT it names must come before any PES.
function checkTsHead(seg, i) {
    const fd = fs.openSync(seg.file, 'r');
    const buf = Buffer.alloc(188 * 64);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    fs.closeSync(fd);
    const pid = (off) => ((buf[off + 1] & 0x1f) << 8) | buf[off + 2];
    if (n < 188 || buf[0] !== 0x47 || pid(0) !== 0) {
        fail('pat', `segment ${i}: first TS packet is not a PAT (sync 0x47, PID 0)`);
        return;
    }
    let off = 4;
    if (buf[3] & 0x20) {
        off += 1 + buf[4];
    }
    off += 1 + buf[off]; // pointer field
    const pmtPid = ((buf[off + 10] & 0x1f) << 8) | buf[off + 11];
    for (let p = 188; p + 188 <= n; p += 188) {
        const q = pid(p);
        if (q === pmtPid) {
            return;
        }
        if (q !== 0 && q !== 0x11 && q !== 0x1fff) {
            fail('pmt', `segment ${i}: PES PID ${q} before the PMT (PID ${pmtPid})`);
            return;
        }
    }
    fail('pmt', `segment ${i}: no PMT (PID ${pmtPid}) in the first ${n / 188} packets`);
}

function probe(file) {
    const r = run('ffprobe', ['-v', 'error', '-show_packets', '-show_streams', '-of', 'json', file]);
    if (r.status !== 0) {
        throw new Error(`ffprobe ${file}: ${r.stderr.trim()}`);
    }
    return JSON.parse(r.stdout);
}

// Frame duration in seconds of a probed stream, from its packets (or the frame rate).
function frameDuration(stream, packets) {
    const p = packets.find((q) => q.stream_index === stream.index && q.duration > 0);
    if (p) {
        return p.duration / TS_CLOCK;
    }
    const [n, d] = (stream.avg_frame_rate || '0/0').split('/').map(Number);
    return n > 0 && d > 0 ? d / n : 0.04;
}

// Per-segment facts: streams, first/end timestamps per type (90 kHz, relative to a reference).
function summarizeSegment(seg, i) {
    const info = probe(seg.file);
    const streams = info.streams.map((s) => ({
        index: s.index,
        type: s.codec_type,
        codec: s.codec_name,
        profile: s.profile,
        level: s.level,
        width: s.width,
        height: s.height,
        rate: s.avg_frame_rate,
        channels: s.channels,
        language: s.tags ? s.tags.language : undefined,
    }));
    const byType = {};
    for (const s of info.streams) {
        const pk = info.packets.filter((p) => p.stream_index === s.index && p.pts !== undefined);
        if (pk.length === 0 || byType[s.codec_type]) {
            continue;
        }
        const ref = pk[0].pts;
        let first = 0;
        let end = 0;
        for (const p of pk) {
            const rel = tsDiff(ref, p.pts);
            first = Math.min(first, rel);
            end = Math.max(end, rel + (p.duration || 0));
        }
        byType[s.codec_type] = {
            firstPts: ref + first,
            span: end - first,
            frame: frameDuration(s, info.packets),
            firstIsKey: pk[0].flags.includes('K'),
        };
    }
    if (byType.video && !byType.video.firstIsKey) {
        fail('keyframe', `segment ${i}: first video packet is not a keyframe`);
    }
    return { streams, byType };
}

function describeStreams(streams) {
    return streams.map((s) => `${s.type}:${s.codec}${s.width ? `@${s.width}x${s.height}` : ''}`).join(',');
}

// (c) Timestamp continuity: start(N+1) == start(N) + EXTINF(N); the last EXTINF covers its span.
function checkContinuity(segs, sums) {
    const kind = sums[0].byType.video ? 'video' : 'audio';
    for (let i = 0; i < segs.length; i++) {
        const cur = sums[i].byType[kind];
        if (!cur) {
            fail('streams', `segment ${i}: no ${kind} packets`);
            return;
        }
        const next = i + 1 < segs.length ? sums[i + 1].byType[kind] : null;
        const tol = 0.001 + cur.frame;
        const real = next ? tsDiff(cur.firstPts, next.firstPts) / TS_CLOCK : cur.span / TS_CLOCK;
        if (Math.abs(real - segs[i].extinf) > tol) {
            const what = next ? `next segment starts ${real.toFixed(6)} s later` : `lasts ${real.toFixed(6)} s`;
            fail('continuity', `segment ${i}: EXTINF ${segs[i].extinf} but ${kind} ${what}`);
        }
    }
}

function checkExpectedExtinf(segs, sums, opts) {
    if (!opts.extinf) {
        return;
    }
    const want = opts.extinf.split(',');
    if (want.length !== segs.length) {
        fail('extinf', `${segs.length} segments, --extinf lists ${want.length}`);
    }
    segs.forEach((s, i) => {
        if (i >= want.length || want[i] === '*') {
            return;
        }
        const t = sums[i].byType;
        const tol = 0.001 + (t.video || t.audio || { frame: 0.04 }).frame;
        if (Math.abs(s.extinf - Number(want[i])) > tol) {
            fail('extinf', `segment ${i}: EXTINF ${s.extinf}, want ${want[i]} (+-${tol.toFixed(3)})`);
        }
    });
}

function checkStreamsAndCodecs(sums, opts) {
    const first = describeStreams(sums[0].streams);
    sums.forEach((s, i) => {
        const d = describeStreams(s.streams);
        if (d !== first) {
            fail('streams', `segment ${i} has streams ${d}, segment 0 has ${first}`);
        }
    });
    if (opts.codecs) {
        const allowed = opts.codecs.split(',');
        for (const st of sums[0].streams) {
            if (!allowed.includes(st.codec)) {
                fail('codecs', `segments carry ${st.type} codec ${st.codec}, want one of ${allowed}`);
            }
        }
    }
}

// The first segment's first audio and video timestamps lie within one video frame.
function checkAvStart(sums) {
    const { video, audio } = sums[0].byType;
    if (!video || !audio) {
        return;
    }
    const d = tsDiff(video.firstPts, audio.firstPts) / TS_CLOCK;
    if (Math.abs(d) > video.frame + 0.001) {
        fail('av-start', `segment 0: audio starts ${(d * 1000).toFixed(1)} ms after video (limit one frame, ${(video.frame * 1000).toFixed(1)} ms)`);
    }
}

function inputDuration(file) {
    const r = run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,avg_frame_rate', '-of', 'json', file]);
    if (r.status !== 0) {
        fail('input', `ffprobe ${file}: ${r.stderr.trim()}`);
        return null;
    }
    const info = JSON.parse(r.stdout);
    return Number(info.format.duration);
}

function checkTotalDuration(segs, sums, opts) {
    if (!opts.input) {
        return;
    }
    const want = inputDuration(opts.input);
    if (want === null) {
        return;
    }
    const got = segs.reduce((a, s) => a + s.extinf, 0);
    const t = sums[0].byType;
    const tol = Math.max(0.1, (t.video || t.audio).frame) + 0.001;
    if (Math.abs(got - want) > tol) {
        fail('duration', `EXTINF sum ${got.toFixed(3)} s, input lasts ${want.toFixed(3)} s (tolerance ${tol.toFixed(3)})`);
    }
}

// RFC 6381 codec strings from what ffprobe sees in the segments.
const H264_PROFILES = {
    Baseline: 66, 'Constrained Baseline': 66, Main: 77, Extended: 88, High: 100, 'High 10': 110,
    'High 4:2:2': 122, 'High 4:4:4 Predictive': 244,
};
const AAC_OBJECT_TYPES = { LC: 2, 'HE-AAC': 5, 'HE-AACv2': 29, Main: 1, LTP: 4 };

function checkCodecString(codecs, st) {
    if (st.codec === 'h264') {
        const c = codecs.find((x) => /^avc1\./.test(x));
        const want = H264_PROFILES[st.profile];
        if (!c || !/^avc1\.[0-9a-fA-F]{6}$/.test(c)) {
            fail('codecs-attr', `CODECS lacks a valid avc1.PPCCLL entry: ${codecs}`);
        } else if (parseInt(c.slice(5, 7), 16) !== want || parseInt(c.slice(9, 11), 16) !== st.level) {
            fail('codecs-attr', `CODECS ${c} disagrees with the SPS (profile ${st.profile}, level ${st.level})`);
        }
    } else if (st.codec === 'aac') {
        const want = `mp4a.40.${AAC_OBJECT_TYPES[st.profile]}`;
        if (!codecs.includes(want)) {
            fail('codecs-attr', `CODECS ${codecs} lacks ${want} (AAC ${st.profile})`);
        }
    } else if (st.type === 'video' || st.type === 'audio') {
        fail('codecs-attr', `no HLS codec string known for ${st.codec}`);
    }
}

// Multivariant attributes against the measured segments.
function checkVariant(variant, segs, sums) {
    if (!variant) {
        return;
    }
    const a = variant.attributes || {};
    const peak = Math.max(...segs.map((s) => (s.size * 8) / s.extinf));
    if (!(a.BANDWIDTH > 0)) {
        fail('bandwidth', 'variant lacks BANDWIDTH');
    } else if (a.BANDWIDTH * 1.1 < peak) {
        fail('bandwidth', `BANDWIDTH ${a.BANDWIDTH} is below the peak segment bit rate ${Math.round(peak)}`);
    }
    if (a['AVERAGE-BANDWIDTH'] !== undefined && Number(a['AVERAGE-BANDWIDTH']) > a.BANDWIDTH) {
        fail('bandwidth', `AVERAGE-BANDWIDTH ${a['AVERAGE-BANDWIDTH']} > BANDWIDTH ${a.BANDWIDTH}`);
    }
    if (!a.CODECS) {
        fail('codecs-attr', 'variant lacks CODECS');
    } else {
        const list = a.CODECS.split(',').map((x) => x.trim());
        sums[0].streams.forEach((st) => checkCodecString(list, st));
    }
    const video = sums[0].streams.find((s) => s.type === 'video');
    if (video && !a.RESOLUTION) {
        fail('resolution', 'variant with video lacks RESOLUTION');
    } else if (video && (a.RESOLUTION.width !== video.width || a.RESOLUTION.height !== video.height)) {
        fail('resolution', `RESOLUTION ${a.RESOLUTION.width}x${a.RESOLUTION.height}, segments are ${video.width}x${video.height}`);
    }
}

// ffmpeg needs local URIs: with --base-url, decode a rewritten copy of the media playlist.
function decodeTarget(entry, opts) {
    if (!opts['base-url']) {
        return { file: path.join(opts.outdir, opts.entry), cleanup: () => {} };
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check_hls-'));
    const file = path.join(dir, 'local.m3u8');
    const lines = entry.mediaText.split('\n').map((l) =>
        l.startsWith(opts['base-url']) ? localPath(l, path.dirname(entry.mediaFile), opts) : l);
    fs.writeFileSync(file, lines.join('\n'));
    return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// (d) The package decodes with ffmpeg without a single error line.
function checkDecode(entry, opts) {
    if (failures.has('endlist')) {
        return; // without EXT-X-ENDLIST ffmpeg treats the package as live and polls it
    }
    const t = decodeTarget(entry, opts);
    try {
        const r = run('ffmpeg', ['-nostdin', '-v', 'error', '-allowed_extensions', 'ALL', '-i', t.file, '-f', 'null', '-']);
        const err = r.stderr.trim();
        if (r.status !== 0 || (err && !opts['allow-decode-errors'])) {
            const n = err ? err.split('\n').length : 0;
            fail('decode', `ffmpeg exit ${r.status}, ${n} error lines; first: ${err.split('\n')[0]}`);
        }
    } finally {
        t.cleanup();
    }
}

function report(nsegs) {
    if (failures.size === 0) {
        console.log(`check_hls: OK (${nsegs} segments)`);
        return 0;
    }
    for (const [check, list] of failures) {
        for (const d of list.slice(0, MAX_LINES_PER_CHECK)) {
            console.log(`FAIL ${check}: ${d}`);
        }
        if (list.length > MAX_LINES_PER_CHECK) {
            console.log(`FAIL ${check}: ... and ${list.length - MAX_LINES_PER_CHECK} more`);
        }
    }
    return 1;
}

function main() {
    let opts;
    try {
        opts = parseOptions(process.argv.slice(2));
    } catch (e) {
        console.error(`check_hls: ${e.message}\nusage: node check_hls.mjs OUTDIR [--input FILE] [options]`);
        return 2;
    }
    const entry = readEntry(opts);
    if (!entry) {
        return report(0);
    }
    const segs = checkMediaPlaylist(entry, opts);
    const present = segs.filter((s) => s.file);
    if (present.length !== segs.length || segs.length === 0) {
        return report(segs.length);
    }
    segs.forEach((s, i) => checkTsHead(s, i));
    let sums;
    try {
        sums = segs.map((s, i) => summarizeSegment(s, i));
    } catch (e) {
        fail('probe', e.message);
        return report(segs.length);
    }
    checkStreamsAndCodecs(sums, opts);
    checkContinuity(segs, sums);
    checkExpectedExtinf(segs, sums, opts);
    if (!opts['no-av-start']) {
        checkAvStart(sums);
    }
    checkTotalDuration(segs, sums, opts);
    checkVariant(entry.variant, segs, sums);
    checkDecode(entry, opts);
    if (entry.multiText !== undefined) {
        checkAudioRenditions({ text: entry.multiText, variant: entry.variant, outdir: opts.outdir, opts, segs, sums }, {
            fail, fs, os, path, run, tsDiff, localPath, parseManifest, checkCommonTags, checkTargetDuration,
            checkPlaylistType, checkSegmentList, checkTsHead, summarizeSegment, checkCodecString,
        });
    } else if (opts['audio-renditions'] !== undefined && Number(opts['audio-renditions']) > 0) {
        fail('audio-renditions', 'no multivariant playlist, so no EXT-X-MEDIA');
    }
    return report(segs.length);
}

try {
    process.exitCode = main();
} catch (e) {
    fail('internal', e.message);
    process.exitCode = report(0);
}
