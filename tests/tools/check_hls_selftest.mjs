#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Self-test of check_hls.mjs, so that a green integration run means something: it must accept a
// good package (FFmpeg's own HLS output, SDT packets stripped so that each segment opens with
// its PAT) and reject each defect planted in a copy of it with the expected "FAIL <check>" line.
//
// usage: node check_hls_selftest.mjs MEDIA_DIR WORK_DIR
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const checker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'check_hls.mjs');
const [media, work] = process.argv.slice(2);
if (!media || !work) {
    console.error('usage: node check_hls_selftest.mjs MEDIA_DIR WORK_DIR');
    process.exit(2);
}
const sample = path.join(media, 'sample.mp4');
let failed = 0;

function ffmpegHls(out, inputArgs) {
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', ...inputArgs, '-c', 'copy', '-f', 'hls',
        '-hls_time', '6', '-hls_playlist_type', 'vod', '-hls_segment_filename',
        path.join(out, 'seg%05d.ts'), path.join(out, 'index.m3u8')], { encoding: 'utf8' });
    if (r.status !== 0) {
        throw new Error(`ffmpeg failed: ${r.stderr}`);
    }
}

// Drop SDT packets (PID 0x11) so that each segment starts with PAT and PMT.
function stripSdt(dir) {
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
        const d = fs.readFileSync(path.join(dir, f));
        const keep = [];
        for (let o = 0; o + 188 <= d.length; o += 188) {
            if ((((d[o + 1] & 0x1f) << 8) | d[o + 2]) !== 0x11) {
                keep.push(d.subarray(o, o + 188));
            }
        }
        fs.writeFileSync(path.join(dir, f), Buffer.concat(keep));
    }
}

function copyDir(from, to) {
    fs.rmSync(to, { recursive: true, force: true });
    fs.cpSync(from, to, { recursive: true });
    return to;
}

function edit(file, fn) {
    fs.writeFileSync(file, fn(fs.readFileSync(file, 'utf8')));
}

// expect(name, dir, args, want): want null = must pass, else the check name that must fail.
function expect(name, dir, args, want) {
    const r = spawnSync('node', [checker, dir, ...args], { encoding: 'utf8' });
    const out = r.stdout + r.stderr;
    const ok = want === null ? r.status === 0 : r.status === 1 && out.includes(`FAIL ${want}:`);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: exit ${r.status}${want ? `, want FAIL ${want}` : ''}`);
    if (!ok) {
        console.log(out.replace(/^/gm, '     '));
        failed++;
    }
}

const good = path.join(work, 'good');
ffmpegHls(good, ['-i', sample]);
const raw = copyDir(good, path.join(work, 'ffmpeg-raw'));
stripSdt(good);
expect('good package', good, ['--input', sample, '--extinf', '6,6,6,6,6', '--segments', '5'], null);
expect('SDT before PAT', raw, [], 'pat');

let d = copyDir(good, path.join(work, 'td'));
edit(path.join(d, 'index.m3u8'), (t) => t.replace('TARGETDURATION:6', 'TARGETDURATION:5'));
expect('EXTINF above target duration', d, [], 'targetduration');

d = copyDir(good, path.join(work, 'endlist'));
edit(path.join(d, 'index.m3u8'), (t) => t.replace('#EXT-X-ENDLIST\n', ''));
expect('no ENDLIST', d, [], 'endlist');

d = copyDir(good, path.join(work, 'version'));
edit(path.join(d, 'index.m3u8'), (t) => t.replace('#EXT-X-VERSION:3\n', '#EXT-X-VERSION:3\n#EXT-X-VERSION:3\n'));
expect('two EXT-X-VERSION', d, [], 'version');

d = copyDir(good, path.join(work, 'extinf'));
edit(path.join(d, 'index.m3u8'), (t) => t.replace('#EXTINF:6.000000,', '#EXTINF:5.500000,'));
expect('EXTINF disagrees with timestamps', d, [], 'continuity');
expect('EXTINF sum vs input duration', d, ['--input', sample], 'duration');

d = copyDir(good, path.join(work, 'missing'));
fs.rmSync(path.join(d, 'seg00002.ts'));
expect('missing segment file', d, [], 'segment-file');

d = copyDir(good, path.join(work, 'nokey'));
const seg1 = fs.readFileSync(path.join(good, 'seg00001.ts'));
fs.writeFileSync(path.join(d, 'seg00001.ts'), Buffer.concat([seg1.subarray(0, 188 * 2), seg1.subarray(188 * 200)]));
expect('segment not starting on a keyframe', d, [], 'keyframe');

d = copyDir(good, path.join(work, 'garbage'));
const seg2 = Buffer.from(fs.readFileSync(path.join(good, 'seg00002.ts')));
for (let o = 188 * 300; o < 188 * 600; o += 188) {
    seg2.fill(0x5a, o + 4, o + 188); // keep TS headers, scramble payloads
}
fs.writeFileSync(path.join(d, 'seg00002.ts'), seg2);
expect('decode errors', d, [], 'decode');
expect('decode errors allowed', d, ['--allow-decode-errors'], null);

d = path.join(work, 'avstart');
ffmpegHls(d, ['-i', sample, '-itsoffset', '0.2', '-i', sample, '-map', '0:v', '-map', '1:a']);
stripSdt(d);
expect('audio 200 ms after video', d, [], 'av-start');

d = copyDir(good, path.join(work, 'multivariant'));
fs.renameSync(path.join(d, 'index.m3u8'), path.join(d, 'stream.m3u8'));
const mv = (attrs) => `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:${attrs}\nstream.m3u8\n`;
fs.writeFileSync(path.join(d, 'index.m3u8'), mv('BANDWIDTH=1100000,AVERAGE-BANDWIDTH=900000,CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x360'));
expect('multivariant, good', d, ['--multivariant', '--input', sample], null);
fs.writeFileSync(path.join(d, 'index.m3u8'), mv('BANDWIDTH=100000,CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x360'));
expect('BANDWIDTH below peak', d, ['--multivariant'], 'bandwidth');
fs.writeFileSync(path.join(d, 'index.m3u8'), mv('BANDWIDTH=1100000,CODECS="avc1.42e01e,mp4a.40.5",RESOLUTION=640x360'));
expect('CODECS not from the SPS', d, ['--multivariant'], 'codecs-attr');
fs.writeFileSync(path.join(d, 'index.m3u8'), mv('BANDWIDTH=1100000,CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x480'));
expect('wrong RESOLUTION', d, ['--multivariant'], 'resolution');
expect('media playlist where multivariant wanted', good, ['--multivariant'], 'multivariant');

d = copyDir(good, path.join(work, 'baseurl'));
edit(path.join(d, 'index.m3u8'), (t) => t.replace(/^seg/gm, 'https://cdn.example/x/seg'));
expect('base URL', d, ['--base-url', 'https://cdn.example/x/', '--input', sample], null);
expect('base URL missing', good, ['--base-url', 'https://cdn.example/x/'], 'base-url');
expect('segment names', good, ['--uri-regex', '^part-[0-9]{3}\\.ts$'], 'uri');
expect('playlist type', good, ['--playlist-type', 'EVENT'], 'playlist-type');

// Alternate audio renditions: FFmpeg's own hls output of the three-track fixture
// (var_stream_map), its multivariant playlist rewritten by hand into the layout under test
// (one variant with the English track muxed in, French and German audio-only), SDT stripped.
const multi = path.join(media, 'multiaudio.mp4');
const alt = path.join(work, 'alt');
fs.rmSync(alt, { recursive: true, force: true });
fs.mkdirSync(alt, { recursive: true });
const ra = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', multi, '-map', '0:v', '-map', '0:a:0',
    '-map', '0:a:1', '-map', '0:a:2', '-c', 'copy', '-f', 'hls', '-hls_time', '6', '-hls_playlist_type', 'vod',
    '-var_stream_map', 'v:0,a:0,agroup:aud a:1,agroup:aud a:2,agroup:aud', '-master_pl_name', 'ffmpeg.m3u8',
    '-hls_segment_filename', path.join(alt, 's%v_%05d.ts'), path.join(alt, 'stream_%v.m3u8')], { encoding: 'utf8' });
if (ra.status !== 0) {
    throw new Error(`ffmpeg (alternate audio) failed: ${ra.stderr}`);
}
stripSdt(alt);
const vp = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=profile,level',
    '-of', 'json', multi], { encoding: 'utf8' });
const vs = JSON.parse(vp.stdout).streams[0];
const idc = { Baseline: 66, 'Constrained Baseline': 66, Main: 77, High: 100 }[vs.profile];
const avc = `avc1.${idc.toString(16).padStart(2, '0')}00${vs.level.toString(16).padStart(2, '0')}`;
const media3 = (fr = 'LANGUAGE="fr",NAME="French",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="stream_1.m3u8"') =>
    '#EXTM3U\n#EXT-X-VERSION:3\n' +
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2"\n' +
    `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",${fr}\n` +
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="de",NAME="German",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="1",URI="stream_2.m3u8"\n' +
    `#EXT-X-STREAM-INF:BANDWIDTH=1500000,CODECS="${avc},mp4a.40.2",RESOLUTION=320x240,AUDIO="aud"\nstream_0.m3u8\n`;
const altCase = (name, text) => {
    const dd = copyDir(alt, path.join(work, `alt-${name}`));
    fs.writeFileSync(path.join(dd, 'index.m3u8'), text);
    return dd;
};
// Several planted defects per run (each run follows every rendition: keep them few): every
// expected line must appear.
function expectAll(name, dir, args, wants) {
    const r = spawnSync('node', [checker, dir, ...args], { encoding: 'utf8' });
    const out = r.stdout + r.stderr;
    const missing = wants.filter((w) => !out.includes(w));
    const ok = r.status === 1 && missing.length === 0;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: exit ${r.status}, want ${wants.length} FAIL lines`);
    if (!ok) {
        console.log(`     missing: ${missing.join(' | ')}`);
        console.log(out.replace(/^/gm, '     '));
        failed++;
    }
}

d = altCase('good', media3());
expect('alternate audio, good', d, ['--multivariant', '--input', multi, '--audio-renditions', '3', '--languages', 'en,fr,de'], null);
// the multivariant playlist: group rules, LANGUAGE syntax, the variant's group, a URI
d = altCase('multivariant', media3('LANGUAGE="fr",NAME="German",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="stream_1.m3u8"')
    .replace('LANGUAGE="en"', 'LANGUAGE="en_GB"').replace('URI="stream_2.m3u8"', 'URI="gone.m3u8"')
    .replace('AUDIO="aud"', 'AUDIO="other"'));
expectAll('alternate audio, multivariant defects', d, ['--audio-renditions', '2', '--languages', 'en,fr,de'], [
    'FAIL ext-x-media: group "aud": 2 renditions with DEFAULT=YES',
    'FAIL ext-x-media: group "aud": NAME "German" twice',
    'FAIL ext-x-media: LANGUAGE "en_GB" is not an RFC 5646 tag',
    'FAIL ext-x-media: variant AUDIO="other" names no TYPE=AUDIO group',
    'FAIL audio-uri: EXT-X-MEDIA URI "gone.m3u8" names no file',
    'FAIL audio-renditions: 3 EXT-X-MEDIA TYPE=AUDIO, want 2',
    'FAIL audio-renditions: LANGUAGEs en_GB,fr,de, want en,fr,de',
]);
// the renditions' media: French one segment short and a video segment in it; German tagged
// Italian with six channels, its third segment a copy of its second, an EXTINF off the cut
d = altCase('media', media3().replace('LANGUAGE="de"', 'LANGUAGE="it"').replace('CHANNELS="1"', 'CHANNELS="6"'));
edit(path.join(d, 'stream_1.m3u8'), (t) => t.replace(/#EXTINF:[0-9.]+,\ns1_00003\.ts\n/, ''));
fs.copyFileSync(path.join(alt, 's0_00001.ts'), path.join(d, 's1_00001.ts'));
fs.copyFileSync(path.join(alt, 's2_00001.ts'), path.join(d, 's2_00002.ts'));
edit(path.join(d, 'stream_2.m3u8'), (t) => t.replace(/#EXTINF:5\.99[0-9]*,\ns2_00001/, '#EXTINF:5.500000,\ns2_00001'));
expectAll('alternate audio, media defects', d, [], [
    'FAIL audio-segments: stream_1.m3u8: 3 segments, the main rendition has 4',
    'FAIL audio-only: stream_1.m3u8 segment 1',
    'FAIL audio-language: stream_2.m3u8 segment 0: LANGUAGE "it"',
    'FAIL audio-channels: stream_2.m3u8: CHANNELS "6"',
    'FAIL audio-timeline: stream_2.m3u8 segment 2',
    'FAIL audio-extinf: stream_2.m3u8 segment 1',
]);

console.log(failed ? `check_hls self-test: ${failed} FAILED` : 'check_hls self-test: all ok');
process.exitCode = failed ? 1 : 0;
