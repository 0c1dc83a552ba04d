/* SPDX-License-Identifier: MIT */
/* Built-in pages: the player (GET /, hls.js served by sluice itself under /_player/), the list
 * of streams every source serves (/_streams.json) and the metrics (/metrics). */
#include "origin_private.h"

#include "origin_policy.h"
#include "slc_err.h"
#include "slc_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STREAMS_JSON_MAX (4u * 1024u * 1024u)

/* The player page. It lists /_streams.json, plays the chosen stream with hls.js and shows
 * every hls.js error; "?src=URL" plays any URL (the stream may live on another origin),
 * "&autoplay=0" loads it without starting playback. */
static const char player_html[] =
    "<!doctype html>\n"
    "<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>sluice player</title>\n"
    "<style>\n"
    "body{font-family:system-ui,sans-serif;margin:1.5rem;background:#111;color:#eee}\n"
    "a{color:#7cf}video{width:100%;max-width:960px;background:#000;display:block}\n"
    "#streams li{margin:.2rem 0}#errors{color:#f77;white-space:pre-wrap;font-family:monospace}\n"
    "#status{color:#aaa;font-family:monospace}\n"
    "</style></head><body>\n"
    "<h1>sluice</h1>\n"
    "<video id=\"video\" controls playsinline></video>\n"
    "<p id=\"status\">pick a stream</p>\n"
    "<h2>Streams</h2><ul id=\"streams\"><li>loading&hellip;</li></ul>\n"
    "<h2>Errors</h2><div id=\"errors\">none</div>\n"
    "<script src=\"/_player/hls.min.js\"></script>\n"
    "<script>\n"
    "'use strict';\n"
    "const S = window.sluice = {hls: null, errors: [], src: null};\n"
    "const params = new URLSearchParams(location.search);\n"
    "const video = document.getElementById('video');\n"
    "const statusEl = document.getElementById('status');\n"
    "function showError(text) {\n"
    "  S.errors.push(text);\n"
    "  const el = document.getElementById('errors');\n"
    "  el.textContent = S.errors.join('\\n');\n"
    "}\n"
    "function play(src) {\n"
    "  S.src = src;\n"
    "  statusEl.textContent = 'playing ' + src;\n"
    "  if (S.hls) { S.hls.destroy(); S.hls = null; }\n"
    "  if (window.Hls && Hls.isSupported()) {\n"
    "    const hls = S.hls = new Hls();\n"
    "    hls.on(Hls.Events.ERROR, (ev, d) => showError((d.fatal ? 'FATAL ' : '') + d.type +\n"
    "      ': ' + d.details + (d.response ? ' (HTTP ' + d.response.code + ')' : '') +\n"
    "      ' at ' + video.currentTime.toFixed(2) + ' s'));\n"
    "    hls.loadSource(src);\n"
    "    hls.attachMedia(video);\n"
    "  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {\n"
    "    video.src = src;\n"
    "  } else {\n"
    "    showError('hls.js is not available (is node_modules installed? see --player-dir)');\n"
    "    return;\n"
    "  }\n"
    "  if (params.get('autoplay') === '0') return;\n"
    "  const start = () => video.play().catch(e =>\n"
    "    statusEl.textContent = 'press play (' + e.name + ')');\n"
    "  /* play once hls.js has media in the buffer: a video playing on an empty buffer for\n"
    "   * over 1.25 s counts as a stall, and hls.js then jumps to the live buffer with a\n"
    "   * bufferSeekOverHole error instead of its own start position */\n"
    "  if (S.hls) S.hls.once(Hls.Events.FRAG_BUFFERED, start); else start();\n"
    "}\n"
    "video.addEventListener('ended', () => statusEl.textContent = 'ended: ' + S.src);\n"
    "async function listStreams() {\n"
    "  const ul = document.getElementById('streams');\n"
    "  try {\n"
    "    const r = await fetch('/_streams.json', {cache: 'no-store'});\n"
    "    const j = await r.json();\n"
    "    ul.textContent = '';\n"
    "    for (const s of j.streams) {\n"
    "      const li = document.createElement('li');\n"
    "      const a = document.createElement('a');\n"
    "      a.href = '?src=' + encodeURIComponent(s.url);\n"
    "      a.textContent = s.name;\n"
    "      a.addEventListener('click', e => { e.preventDefault(); play(s.url); });\n"
    "      li.appendChild(a);\n"
    "      ul.appendChild(li);\n"
    "    }\n"
    "    if (!j.streams.length) ul.textContent = 'no streams';\n"
    "    return j.streams;\n"
    "  } catch (e) {\n"
    "    ul.textContent = 'cannot list streams: ' + e;\n"
    "    return [];\n"
    "  }\n"
    "}\n"
    "const want = params.get('src');\n"
    "listStreams().then(list => {\n"
    "  if (want) play(want);\n"
    "  else if (list.length) play(list[0].url);\n"
    "});\n"
    "</script>\n"
    "</body></html>\n";

struct list_ctx {
    struct slc_buf *b;
    const char *prefix;
    int first;
};

/* JSON string body for `s`: escapes quotes, backslashes and control bytes. */
static void json_escape(struct slc_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            slc_buf_printf(b, "\\%c", c);
        } else if (c < 0x20) {
            slc_buf_printf(b, "\\u%04x", c);
        } else {
            slc_buf_append(b, s, 1);
        }
    }
}

static void emit_stream(void *opaque, const char *relpath)
{
    struct list_ctx *lc = opaque;
    const char *slash = strrchr(relpath, '/');
    size_t dirlen = slash ? (size_t)(slash - relpath) : 0;
    char name[SLC_ORIGIN_PATH_MAX + SLC_ORIGIN_PREFIX_MAX + 2];

    snprintf(name, sizeof(name), "%s%s%.*s", lc->prefix, *lc->prefix && dirlen ? "/" : "",
             (int)dirlen, relpath);
    slc_buf_append_str(lc->b, lc->first ? "\n  {\"name\": \"" : ",\n  {\"name\": \"");
    json_escape(lc->b, name[0] ? name : "/");
    slc_buf_append_str(lc->b, "\", \"url\": \"/");
    if (*lc->prefix) {
        json_escape(lc->b, lc->prefix);
        slc_buf_append_str(lc->b, "/");
    }
    json_escape(lc->b, relpath);
    slc_buf_append_str(lc->b, "\"}");
    lc->first = 0;
}

static enum MHD_Result streams_json(struct origin_req *rq, struct MHD_Connection *c)
{
    struct slc_origin *o = rq->origin;
    struct slc_buf b;
    struct list_ctx lc = {&b, "", 1};
    enum MHD_Result ret;

    slc_buf_init(&b, STREAMS_JSON_MAX);
    slc_buf_append_str(&b, "{\"streams\": [");
    for (size_t i = 0; i < o->nmounts; i++) {
        const struct origin_mount *m = &o->mounts[i];
        if (m->ops->list_streams && strcmp(m->prefix, "_player") != 0) {
            lc.prefix = m->prefix;
            m->ops->list_streams(m->src, emit_stream, &lc);
        }
    }
    slc_buf_append_str(&b, "\n]}\n");
    ret = origin_respond_text(rq, c, MHD_HTTP_OK, "application/json", SLC_ORIGIN_CC_REVALIDATE,
                              b.data, b.len);
    slc_buf_deinit(&b);
    return ret;
}

static enum MHD_Result metrics(struct origin_req *rq, struct MHD_Connection *c)
{
    size_t len = 0;
    char *text = origin_metrics_render(rq->origin, &len);
    enum MHD_Result ret;

    if (!text) {
        return origin_respond_error(rq, c, slc_origin_http_status(SLC_ENOMEM));
    }
    ret = origin_respond_text(rq, c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
                              SLC_ORIGIN_CC_ERROR, text, len);
    free(text);
    return ret;
}

int origin_builtin(struct origin_req *rq, struct MHD_Connection *c, const char *path,
                   enum MHD_Result *ret)
{
    if (path[0] == '\0') {
        *ret = origin_respond_text(rq, c, MHD_HTTP_OK, "text/html; charset=utf-8",
                                   SLC_ORIGIN_CC_REVALIDATE, player_html, sizeof(player_html) - 1);
        return 1;
    }
    if (strcmp(path, "_streams.json") == 0) {
        *ret = streams_json(rq, c);
        return 1;
    }
    if (strcmp(path, "metrics") == 0) {
        *ret = metrics(rq, c);
        return 1;
    }
    return 0;
}
