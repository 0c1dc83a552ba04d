/* SPDX-License-Identifier: MIT */
/* Unit tests of the request path normaliser (origin/origin_path.c). */
#include "origin_path.h"
#include "origin_test.h"
#include "slc_err.h"

static const char *norm(const char *in, int *ret)
{
    static char out[SLC_ORIGIN_PATH_MAX + 1];

    *ret = slc_origin_path_normalize(in, strlen(in), out, sizeof(out));
    return *ret >= 0 ? out : "";
}

static void test_accepts(void)
{
    int r;

    CHECK_STR(norm("/", &r), "");
    CHECK_INT(r, 0);
    CHECK_STR(norm("/a/b.ts", &r), "a/b.ts");
    CHECK_INT(r, 6);
    CHECK_STR(norm("//a///b//", &r), "a/b");
    CHECK_STR(norm("/./a/./b/.", &r), "a/b");
    CHECK_STR(norm("/a/%2e%2e/b", &r), "a/%2e%2e/b"); /* decoded once, by MHD: literal now */
    CHECK_STR(norm("/a..b/c...d", &r), "a..b/c...d");
    CHECK_STR(norm("/a/b../c", &r), "a/b../c");
    CHECK_STR(norm("/\xc3\xa9t\xc3\xa9.ts", &r), "\xc3\xa9t\xc3\xa9.ts");
}

static void test_rejects(void)
{
    int r;

    norm("/a/../b", &r);
    CHECK_INT(r, SLC_EINVAL);
    norm("/..", &r);
    CHECK_INT(r, SLC_EINVAL);
    norm("/a/..", &r);
    CHECK_INT(r, SLC_EINVAL);
    norm("a/b", &r);
    CHECK_INT(r, SLC_EINVAL);
    norm("", &r);
    CHECK_INT(r, SLC_EINVAL);
    norm("/a\\b", &r);
    CHECK_INT(r, SLC_EINVAL);
    norm("/a/\x01", &r);
    CHECK_INT(r, SLC_EINVAL);
    norm("/a/\x7f", &r);
    CHECK_INT(r, SLC_EINVAL);
    norm("/.hidden", &r);
    CHECK_INT(r, SLC_EACCES);
    norm("/a/.git/config", &r);
    CHECK_INT(r, SLC_EACCES);
    norm("/...", &r);
    CHECK_INT(r, SLC_EACCES);
}

static void test_nul_and_limits(void)
{
    char out[16];
    static const char with_nul[] = "/a.ts\0.html";
    char big[SLC_ORIGIN_PATH_MAX + 8];

    CHECK_INT(slc_origin_path_normalize(with_nul, sizeof(with_nul) - 1, out, sizeof(out)),
              SLC_EINVAL);
    CHECK_INT(slc_origin_path_normalize("/abcdefghijklmnop", 17, out, sizeof(out)), SLC_ELIMIT);
    CHECK_INT(slc_origin_path_normalize("/abcdefghijklmno", 16, out, sizeof(out)), 15);
    CHECK_INT(slc_origin_path_normalize("/a", 2, out, 0), SLC_ELIMIT);
    memset(big, 'a', sizeof(big));
    big[0] = '/';
    CHECK_INT(slc_origin_path_normalize(big, sizeof(big), out, sizeof(out)), SLC_ELIMIT);
}

static void test_ext(void)
{
    CHECK_STR(slc_origin_path_ext("a/b.ts"), "ts");
    CHECK_STR(slc_origin_path_ext("a.b/c"), "");
    CHECK_STR(slc_origin_path_ext("x.tar.gz"), "gz");
    CHECK_STR(slc_origin_path_ext(""), "");
}

int main(void)
{
    test_accepts();
    test_rejects();
    test_nul_and_limits();
    test_ext();
    return test_done();
}
