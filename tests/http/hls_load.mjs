// SPDX-License-Identifier: MIT
// Simulated HLS players for the cache-tier tests and the offload bench (no dependencies).
//   node hls_load.mjs vod URL CLIENTS
//     each client: multivariant -> media playlist -> every segment, checked (200, length as
//     announced, MPEG-TS sync bytes); prints JSON {clients, requests, errors, bytes, seconds}
//   node hls_load.mjs live URL CLIENTS SECONDS PUBLISH_LOG
//     each client polls the media playlist URL every 200-400 ms for SECONDS and fetches the
//     newest segment; PUBLISH_LOG has "epoch_ms nsegs" per published version. Prints JSON with
//     maxStaleMs: the longest a client was served a version older than the one published.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

// A keep-alive socket the server (Varnish: timeout_idle) closed just as a request went out on
// it fails with ECONNRESET / "socket hang up"; like any HTTP client (and hls.js's loader
// retries), retry such a request once on a fresh connection. Only for reused sockets: an error
// on a new connection is the server's and counts.
function get(url, retried = false) {
    return new Promise((resolve) => {
        const req = http.get(url, { agent }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                          body: Buffer.concat(chunks) }));
            res.on('error', (e) => resolve({ status: 0, error: String(e), body: Buffer.alloc(0) }));
        });
        req.setTimeout(20000, () => req.destroy(new Error('timeout')));
        req.on('error', (e) => {
            if (req.reusedSocket && !retried && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
                resolve(get(url, true));
                return;
            }
            resolve({ status: 0, error: String(e), body: Buffer.alloc(0) });
        });
    });
}

const uris = (text) => text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const stats = { requests: 0, errors: 0, bytes: 0, errorSamples: [] };

async function fetchChecked(url, isSegment) {
    const r = await get(url);
    stats.requests++;
    stats.bytes += r.body.length;
    let why = r.status !== 200 ? `status ${r.status} ${r.error || ''}` : '';
    const cl = r.headers && r.headers['content-length'];
    if (!why && cl !== undefined && Number(cl) !== r.body.length) why = 'short body';
    if (!why && isSegment && (r.body.length % 188 !== 0 || r.body[0] !== 0x47)) why = 'not TS';
    if (why) {
        stats.errors++;
        if (stats.errorSamples.length < 5) stats.errorSamples.push(`${url}: ${why}`);
    }
    return r;
}

async function vodClient(url) {
    const mv = await fetchChecked(url, false);
    for (const v of uris(mv.body.toString())) {
        const mediaUrl = new URL(v, url).href;
        const media = await fetchChecked(mediaUrl, false);
        for (const s of uris(media.body.toString())) await fetchChecked(new URL(s, mediaUrl).href, true);
    }
}

async function liveClient(url, until, seen) {
    let last = null;
    while (Date.now() < until) {
        const t = Date.now();
        const r = await fetchChecked(url, false);
        const segs = uris(r.body.toString());
        seen.push([t, segs.length]);
        if (segs.length && segs[segs.length - 1] !== last) {
            last = segs[segs.length - 1];
            await fetchChecked(new URL(last, url).href, true);
        }
        await new Promise((ok) => setTimeout(ok, 200 + Math.random() * 200));
    }
}

async function main() {
    const [mode, url, n, secs, publishLog] = process.argv.slice(2);
    const clients = Number(n);
    const t0 = Date.now();
    const out = { mode, clients };
    if (mode === 'vod') {
        await Promise.all(Array.from({ length: clients }, () => vodClient(url)));
    } else {
        const fs = await import('node:fs');
        const seen = [];
        const until = Date.now() + Number(secs) * 1000;
        await Promise.all(Array.from({ length: clients }, () => liveClient(url, until, seen)));
        const pub = fs.readFileSync(publishLog, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
        let maxStale = 0;
        for (const [t, nsegs] of seen) {
            // the first version newer than the one served, and when it was published
            const newer = pub.find(([, k]) => k > nsegs);
            if (newer && newer[0] < t) maxStale = Math.max(maxStale, t - newer[0]);
        }
        out.polls = seen.length;
        out.maxStaleMs = maxStale;
    }
    Object.assign(out, stats, { seconds: (Date.now() - t0) / 1000 });
    console.log(JSON.stringify(out));
    agent.destroy();
}
main();
