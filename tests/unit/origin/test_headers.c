/* SPDX-License-Identifier: MIT */
/* Unit tests of the Range, entity-tag and HTTP-date parsers (origin/origin_headers.c). */
#include "origin_headers.h"
#include "origin_test.h"
#include "slc_err.h"

static void test_range(void)
{
    struct slc_origin_range r;

    CHECK_INT(slc_origin_range_parse(NULL, 100, &r), 0);
    CHECK_INT(slc_origin_range_parse("bytes=0-9", 100, &r), 1);
    CHECK_INT(r.first, 0);
    CHECK_INT(r.last, 9);
    CHECK_INT(slc_origin_range_parse("bytes=90-", 100, &r), 1);
    CHECK_INT(r.first, 90);
    CHECK_INT(r.last, 99);
    CHECK_INT(slc_origin_range_parse("bytes=-10", 100, &r), 1);
    CHECK_INT(r.first, 90);
    CHECK_INT(slc_origin_range_parse("bytes=-1000", 100, &r), 1);
    CHECK_INT(r.first, 0);
    CHECK_INT(r.last, 99);
    CHECK_INT(slc_origin_range_parse("bytes=50-5000", 100, &r), 1);
    CHECK_INT(r.last, 99);
    CHECK_INT(slc_origin_range_parse("BYTES = 1-2 ", 100, &r), 1);
    CHECK_INT(slc_origin_range_parse("bytes=100-", 100, &r), SLC_ERANGE);
    CHECK_INT(slc_origin_range_parse("bytes=100-200", 100, &r), SLC_ERANGE);
    CHECK_INT(slc_origin_range_parse("bytes=-0", 100, &r), SLC_ERANGE);
    CHECK_INT(slc_origin_range_parse("bytes=0-0", 0, &r), SLC_ERANGE);
    CHECK_INT(slc_origin_range_parse("bytes=-5", 0, &r), SLC_ERANGE);
    CHECK_INT(slc_origin_range_parse("bytes=99999999999999999999999-", 100, &r), SLC_ERANGE);
    CHECK_INT(slc_origin_range_parse("bytes=0-99999999999999999999999", 100, &r), 1);
    CHECK_INT(r.last, 99);
    /* ignored: invalid or several ranges */
    CHECK_INT(slc_origin_range_parse("bytes=9-1", 100, &r), 0);
    CHECK_INT(slc_origin_range_parse("bytes=0-1,3-4", 100, &r), 0);
    CHECK_INT(slc_origin_range_parse("bytes=-", 100, &r), 0);
    CHECK_INT(slc_origin_range_parse("bytes=a-b", 100, &r), 0);
    CHECK_INT(slc_origin_range_parse("items=0-1", 100, &r), 0);
    CHECK_INT(slc_origin_range_parse("bytes0-1", 100, &r), 0);
    CHECK_INT(slc_origin_range_parse("bytes=1-2x", 100, &r), 0);
    CHECK_INT(slc_origin_range_parse("", 100, &r), 0);
}

static void test_etag(void)
{
    const char *e = "\"abc\"";

    CHECK_INT(slc_origin_etag_match("\"abc\"", e), 1);
    CHECK_INT(slc_origin_etag_match("W/\"abc\"", e), 1);
    CHECK_INT(slc_origin_etag_match("\"x\", \"abc\"", e), 1);
    CHECK_INT(slc_origin_etag_match("\"x\",W/\"abc\"", e), 1);
    CHECK_INT(slc_origin_etag_match(" * ", e), 1);
    CHECK_INT(slc_origin_etag_match("\"abcd\"", e), 0);
    CHECK_INT(slc_origin_etag_match("\"ab\"", e), 0);
    CHECK_INT(slc_origin_etag_match("abc", e), 0);
    CHECK_INT(slc_origin_etag_match("\"abc", e), 0);
    CHECK_INT(slc_origin_etag_match("", e), 0);
    CHECK_INT(slc_origin_etag_match(NULL, e), 0);
    CHECK_INT(slc_origin_etag_match("\"abc\"", "abc"), 0);
}

static void test_dates(void)
{
    int64_t t = 0;
    char buf[SLC_ORIGIN_DATE_LEN];

    CHECK_INT(slc_origin_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
    CHECK_INT(t, 784111777);
    CHECK_INT(slc_origin_http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0);
    CHECK_INT(t, 784111777);
    CHECK_INT(slc_origin_http_date_parse("Sun Nov  6 08:49:37 1994", &t), 0);
    CHECK_INT(t, 784111777);
    CHECK_INT(slc_origin_http_date_parse("Thu, 01 Jan 1970 00:00:00 GMT", &t), 0);
    CHECK_INT(t, 0);
    CHECK_INT(slc_origin_http_date_parse("Tue, 29 Feb 2028 23:59:59 GMT", &t), 0);
    CHECK_INT(t, 1835481599);
    CHECK_INT(slc_origin_http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", &t), SLC_EINVAL);
    CHECK_INT(slc_origin_http_date_parse("Sun, 06 Foo 1994 08:49:37 GMT", &t), SLC_EINVAL);
    CHECK_INT(slc_origin_http_date_parse("Sun, 06 Nov 1994 25:49:37 GMT", &t), SLC_EINVAL);
    CHECK_INT(slc_origin_http_date_parse("Sun, 6 Nov 1994 08:49:37 GMT", &t), SLC_EINVAL);
    CHECK_INT(slc_origin_http_date_parse("garbage", &t), SLC_EINVAL);
    CHECK_INT(slc_origin_http_date_parse("", &t), SLC_EINVAL);
    CHECK_INT(slc_origin_http_date_parse(NULL, &t), SLC_EINVAL);
    slc_origin_http_date_format(784111777, buf);
    CHECK_STR(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
    slc_origin_http_date_format(0, buf);
    CHECK_STR(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
    slc_origin_http_date_format(1835481599, buf);
    CHECK_STR(buf, "Tue, 29 Feb 2028 23:59:59 GMT");
    slc_origin_http_date_format(-5, buf);
    CHECK_STR(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
    slc_origin_http_date_format(INT64_MAX, buf);
    CHECK_STR(buf, "Fri, 31 Dec 9999 23:59:59 GMT");
    for (int64_t x = 0; x < 4102444800LL; x += 86400 * 37 + 12345) {
        slc_origin_http_date_format(x, buf);
        CHECK(slc_origin_http_date_parse(buf, &t) == 0 && t == x);
    }
}

int main(void)
{
    test_range();
    test_etag();
    test_dates();
    return test_done();
}
