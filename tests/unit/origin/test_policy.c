/* SPDX-License-Identifier: MIT */
/* Unit tests of media types, the Cache-Control policy and the error -> status table. */
#include "origin_policy.h"
#include "origin_test.h"
#include "slc_err.h"

static const char *cc(const char *path, const char *body)
{
    static char out[SLC_ORIGIN_CC_MAX];

    slc_origin_cache_control(path, body, body ? strlen(body) : 0, out, sizeof(out));
    return out;
}

static void test_types(void)
{
    CHECK_STR(slc_origin_content_type("a/b.m3u8"), "application/vnd.apple.mpegurl");
    CHECK_STR(slc_origin_content_type("a/B.TS"), "video/mp2t");
    CHECK_STR(slc_origin_content_type("x.m4s"), "video/iso.segment");
    CHECK_STR(slc_origin_content_type("x.mp4"), "video/mp4");
    CHECK_STR(slc_origin_content_type("x.vtt"), "text/vtt; charset=utf-8");
    CHECK_STR(slc_origin_content_type("x.key"), "application/octet-stream");
    CHECK_STR(slc_origin_content_type("x.html"), "text/html; charset=utf-8");
    CHECK_STR(slc_origin_content_type("x.js"), "text/javascript; charset=utf-8");
    CHECK_STR(slc_origin_content_type("x.css"), "text/css; charset=utf-8");
    CHECK_STR(slc_origin_content_type("x.json"), "application/json");
    CHECK_STR(slc_origin_content_type("noext"), "application/octet-stream");
    CHECK_INT(slc_origin_is_playlist("a.m3u8"), 1);
    CHECK_INT(slc_origin_is_playlist("a.ts"), 0);
}

static void test_cache(void)
{
    CHECK_STR(cc("s.ts", NULL), SLC_ORIGIN_CC_IMMUTABLE);
    CHECK_STR(cc("s.m4s", NULL), SLC_ORIGIN_CC_IMMUTABLE);
    CHECK_STR(cc("k.key", NULL), "private, no-store");
    CHECK_STR(cc("p.html", NULL), SLC_ORIGIN_CC_REVALIDATE);
    CHECK_STR(cc("v.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n#EXT-X-ENDLIST\n"),
              SLC_ORIGIN_CC_VOD_PLAYLIST);
    CHECK_STR(cc("v.m3u8", "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-TARGETDURATION:6\n"),
              SLC_ORIGIN_CC_VOD_PLAYLIST);
    CHECK_STR(cc("l.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n"),
              "public, max-age=3");
    CHECK_STR(cc("l.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n"), "public, max-age=1");
    CHECK_STR(cc("l.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:1\n"), SLC_ORIGIN_CC_REVALIDATE);
    CHECK_STR(cc("l.m3u8", "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-TARGETDURATION:10\n"),
              "public, max-age=5");
    CHECK_STR(cc("m.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n"),
              SLC_ORIGIN_CC_MULTIVARIANT);
    CHECK_STR(cc("x.m3u8", "#EXTM3U\n"), SLC_ORIGIN_CC_REVALIDATE);
    CHECK_STR(cc("x.m3u8", "#EXT-X-TARGETDURATION:"), SLC_ORIGIN_CC_REVALIDATE);
    CHECK_STR(cc("x.m3u8", "#EXT-X-TARGETDURATION:x"), SLC_ORIGIN_CC_REVALIDATE);
    CHECK_STR(cc("x.m3u8", "#EXT-X-TARGETDURATION:99999999999999999"), "public, max-age=500000");
    CHECK_STR(cc("x.m3u8", NULL), SLC_ORIGIN_CC_REVALIDATE);
}

static void test_status(void)
{
    CHECK_INT(slc_origin_http_status(SLC_ENOENT), 404);
    CHECK_INT(slc_origin_http_status(SLC_EACCES), 403);
    CHECK_INT(slc_origin_http_status(SLC_EINVAL), 400);
    CHECK_INT(slc_origin_http_status(SLC_ERANGE), 416);
    CHECK_INT(slc_origin_http_status(SLC_ELIMIT), 414);
    CHECK_INT(slc_origin_http_status(SLC_EFORMAT), 422);
    CHECK_INT(slc_origin_http_status(SLC_EIO), 500);
    CHECK_INT(slc_origin_http_status(SLC_EINTERNAL), 500);
}

int main(void)
{
    test_types();
    test_cache();
    test_status();
    return test_done();
}
