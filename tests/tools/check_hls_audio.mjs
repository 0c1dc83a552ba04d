// SPDX-License-Identifier: MIT
// check_hls_audio.mjs: the alternate-rendition part of check_hls.mjs (no code shared with
// sluice). It reads the EXT-X-MEDIA lines of a multivariant playlist itself (m3u8-parser
// hides most of their rules), checks RFC 8216 4.3.4.1/4.3.4.1.1/4.3.4.2, follows every
// TYPE=AUDIO URI and checks that rendition against the main one: the same number of segments
// with the same EXTINF, audio-only segments whose timestamps start where the main rendition's
// segments start (one timeline) and run on without a gap or an overlap, the language, channel
// count and codec the playlist claims, and a silent ffmpeg decode.

const TS_CLOCK = 90000;

// RFC 5646 language tags of the test media -> the ISO 639-2 codes a TS descriptor may carry.
const ISO639_2 = { en: ['eng'], fr: ['fra', 'fre'], de: ['deu', 'ger'], es: ['spa'], it: ['ita'] };

// Attributes of one tag line (RFC 8216 4.2): NAME=value pairs, quoted strings unquoted.
export function parseAttributes(line) {
    const out = {};
    const body = line.slice(line.indexOf(':') + 1);
    const re = /([A-Z0-9-]+)=("[^"\r\n]*"|[^,]*)(,|$)/gy;
    let m;
    while ((m = re.exec(body)) !== null && m[0].length > 0) {
        if (m[1] in out) {
            out.__duplicate = m[1];
        }
        out[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2];
        if (re.lastIndex >= body.length) {
            break;
        }
    }
    return out;
}

// RFC 5646 2.1 well-formedness, in short: 1-8 alphanumerics per subtag, the first 2-8
// letters (or x-/i- private and grandfathered forms).
function languageOk(tag) {
    return /^([A-Za-z]{2,8}|[xXiI](?=-))(-[A-Za-z0-9]{1,8})*$/.test(tag);
}

// RFC 8216 4.3.4.1 and 4.3.4.1.1 over every EXT-X-MEDIA line; returns the AUDIO entries.
function checkMediaTags(text, h) {
    const lines = text.split(/\r?\n/).filter((l) => l.startsWith('#EXT-X-MEDIA:'));
    const groups = new Map();
    const audio = [];
    for (const l of lines) {
        const a = parseAttributes(l);
        if (a.__duplicate) {
            h.fail('ext-x-media', `attribute ${a.__duplicate} twice: ${l}`);
        }
        if (!a.TYPE || !a['GROUP-ID'] || !a.NAME) {
            h.fail('ext-x-media', `TYPE, GROUP-ID and NAME are required: ${l}`);
            continue;
        }
        if (a.DEFAULT === 'YES' && a.AUTOSELECT === 'NO') {
            h.fail('ext-x-media', `DEFAULT=YES with AUTOSELECT=NO: ${l}`);
        }
        if (a.LANGUAGE !== undefined && !languageOk(a.LANGUAGE)) {
            h.fail('ext-x-media', `LANGUAGE "${a.LANGUAGE}" is not an RFC 5646 tag`);
        }
        if (a.CHANNELS !== undefined && !/^[0-9]+(\/.*)?$/.test(a.CHANNELS)) {
            h.fail('ext-x-media', `CHANNELS "${a.CHANNELS}" does not start with a count`);
        }
        const g = groups.get(a['GROUP-ID']) || [];
        if (g.some((o) => o.TYPE !== a.TYPE)) {
            h.fail('ext-x-media', `group "${a['GROUP-ID']}" mixes TYPEs`);
        }
        if (g.some((o) => o.NAME === a.NAME)) {
            h.fail('ext-x-media', `group "${a['GROUP-ID']}": NAME "${a.NAME}" twice`);
        }
        g.push(a);
        groups.set(a['GROUP-ID'], g);
        if (a.TYPE === 'AUDIO') {
            audio.push(a);
        }
    }
    for (const [id, g] of groups) {
        const defaults = g.filter((a) => a.DEFAULT === 'YES').length;
        if (defaults > 1) {
            h.fail('ext-x-media', `group "${id}": ${defaults} renditions with DEFAULT=YES`);
        }
    }
    return { audio, groups };
}

function checkLanguage(name, lang, streamLang, h) {
    const want = lang ? ISO639_2[lang.split('-')[0]] : null;
    if (want && !want.includes(streamLang)) {
        h.fail('audio-language', `${name}: LANGUAGE "${lang}" but the TS says "${streamLang}"`);
    }
}

function checkChannels(name, attr, stream, h) {
    if (attr !== undefined && stream && parseInt(attr, 10) !== stream.channels) {
        h.fail('audio-channels', `${name}: CHANNELS "${attr}" but ${stream.channels} channels`);
    }
}

// The rendition decodes without an error line (URIs under --base-url mapped to OUTDIR in a
// rewritten copy of its playlist, as ffmpeg can't fetch them).
function checkDecode(name, file, text, opts, h) {
    let target = file;
    let tmp = null;
    if (opts['base-url']) {
        tmp = h.fs.mkdtempSync(h.path.join(h.os.tmpdir(), 'check_hls_audio-'));
        target = h.path.join(tmp, 'local.m3u8');
        h.fs.writeFileSync(target, text.split('\n').map((l) =>
            (l.startsWith(opts['base-url']) ? h.localPath(l, h.path.dirname(file), opts) : l)).join('\n'));
    }
    try {
        const r = h.run('ffmpeg', ['-nostdin', '-v', 'error', '-i', target, '-f', 'null', '-']);
        if (r.status !== 0 || r.stderr.trim()) {
            h.fail('audio-decode', `${name}: ffmpeg exit ${r.status}: ${r.stderr.trim().split('\n')[0]}`);
        }
    } finally {
        if (tmp) {
            h.fs.rmSync(tmp, { recursive: true, force: true });
        }
    }
}

// One alternate rendition against the main one: count, EXTINF, audio-only, one timeline.
function checkAlternate(a, ctx, h) {
    const name = a.URI;
    const file = h.localPath(a.URI, ctx.outdir, ctx.opts);
    if (!file || !h.fs.existsSync(file)) {
        h.fail('audio-uri', `EXT-X-MEDIA URI "${a.URI}" names no file`);
        return;
    }
    const text = h.fs.readFileSync(file, 'utf8');
    const version = h.checkCommonTags(name, text);
    const manifest = h.parseManifest(text);
    h.checkTargetDuration(name, text, manifest, ctx.opts);
    h.checkPlaylistType(name, text, manifest, ctx.opts);
    const segs = h.checkSegmentList(name, manifest, version, { ...ctx.opts, segments: undefined },
        h.path.dirname(file));
    if (segs.length !== ctx.segs.length) {
        h.fail('audio-segments', `${name}: ${segs.length} segments, the main rendition has ${ctx.segs.length}`);
    }
    if (segs.some((s) => !s.file) || segs.length === 0) {
        return;
    }
    segs.forEach((s, i) => h.checkTsHead(s, `${name} ${i}`));
    const sums = segs.map((s, i) => h.summarizeSegment(s, `${name} ${i}`));
    for (let i = 0; i < segs.length; i++) {
        const st = sums[i].streams;
        const au = sums[i].byType.audio;
        if (st.length !== 1 || st[0].type !== 'audio' || !au) {
            h.fail('audio-only', `${name} segment ${i}: streams ${st.map((x) => x.type)}, want one audio stream`);
            return;
        }
        const tol = au.frame + 0.001;
        // the same cuts as the main rendition: EXTINF equal within an audio frame
        if (i < ctx.segs.length && Math.abs(segs[i].extinf - ctx.segs[i].extinf) > tol) {
            h.fail('audio-extinf', `${name} segment ${i}: EXTINF ${segs[i].extinf}, main has ${ctx.segs[i].extinf}`);
        }
        // one timeline: the rendition's segment starts where the main one's does
        const main = ctx.sums[i] && (ctx.sums[i].byType.video || ctx.sums[i].byType.audio);
        if (main) {
            const d = h.tsDiff(main.firstPts, au.firstPts) / TS_CLOCK;
            if (Math.abs(d) > tol) {
                h.fail('audio-timeline', `${name} segment ${i}: audio starts ${(d * 1000).toFixed(1)} ms from the main segment`);
            }
        }
        // no frame lost or doubled at a cut: the next segment starts where this one ends
        // (within half a frame: millisecond container timestamps, e.g. Matroska's, jitter)
        if (i + 1 < segs.length && sums[i + 1].byType.audio) {
            const gap = h.tsDiff(au.firstPts + au.span, sums[i + 1].byType.audio.firstPts) / TS_CLOCK;
            if (Math.abs(gap) > au.frame / 2) {
                h.fail('audio-continuity', `${name} segment ${i}: ${(gap * 1000).toFixed(2)} ms ${gap > 0 ? 'gap' : 'overlap'} before the next`);
            }
        }
        checkLanguage(`${name} segment ${i}`, a.LANGUAGE, st[0].language, h);
    }
    checkChannels(name, a.CHANNELS, sums[0].streams[0], h);
    if (ctx.codecs) {
        h.checkCodecString(ctx.codecs, sums[0].streams[0]);
    }
    checkDecode(name, file, text, ctx.opts, h);
    return sums[0].streams[0];
}

// ctx: { text (multivariant), variant, outdir, opts, segs, sums } of the main rendition;
// h: the helpers of check_hls.mjs.
export function checkAudioRenditions(ctx, h) {
    const { audio, groups } = checkMediaTags(ctx.text, h);
    const group = ctx.variant && ctx.variant.attributes ? ctx.variant.attributes.AUDIO : undefined;
    if (group !== undefined && !(groups.get(group) || []).some((a) => a.TYPE === 'AUDIO')) {
        h.fail('ext-x-media', `variant AUDIO="${group}" names no TYPE=AUDIO group`);
    }
    if (ctx.opts['audio-renditions'] !== undefined && audio.length !== Number(ctx.opts['audio-renditions'])) {
        h.fail('audio-renditions', `${audio.length} EXT-X-MEDIA TYPE=AUDIO, want ${ctx.opts['audio-renditions']}`);
    }
    if (ctx.opts.languages !== undefined) {
        const got = audio.map((a) => a.LANGUAGE || '').join(',');
        if (got !== ctx.opts.languages) {
            h.fail('audio-renditions', `LANGUAGEs ${got}, want ${ctx.opts.languages}`);
        }
    }
    if (audio.length === 0) {
        return;
    }
    if (audio.some((a) => a['GROUP-ID'] !== group)) {
        h.fail('ext-x-media', `an AUDIO rendition is outside the variant's group "${group}"`);
    }
    if (audio.filter((a) => a.DEFAULT === 'YES').length !== 1) {
        h.fail('ext-x-media', 'want exactly one DEFAULT=YES audio rendition');
    }
    const codecs = ctx.variant.attributes.CODECS ? ctx.variant.attributes.CODECS.split(',').map((x) => x.trim()) : null;
    for (const a of audio) {
        if (a.URI === undefined) {
            // in the variant itself: its segments must carry that audio
            const st = ctx.sums[0].streams.find((s) => s.type === 'audio');
            if (!st) {
                h.fail('audio-main', `"${a.NAME}" has no URI but the variant carries no audio`);
                continue;
            }
            checkChannels(a.NAME, a.CHANNELS, st, h);
            checkLanguage(a.NAME, a.LANGUAGE, st.language, h);
            continue;
        }
        checkAlternate(a, { ...ctx, codecs }, h);
    }
}
