/* SPDX-License-Identifier: MIT */
/* SigV4 against AWS's published examples: the SigV4 test suite's get-vanilla and post-vanilla
 * (AKIDEXAMPLE, 20150830T123600Z, us-east-1, service "service") and the S3 API reference's
 * "GET Object" example with a Range header (AKIAIOSFODNN7EXAMPLE, 20130524T000000Z). */
#include "slc_sigv4.h"
#include "slc_test.h"

#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void vanilla(const char *method, const char *want_sig)
{
    const char *names[] = {"host", "x-amz-date"};
    const char *values[] = {"example.amazonaws.com", "20150830T123600Z"};
    struct slc_sigv4_request r = {method, "/", "", names, values, 2, EMPTY_SHA, "20150830T123600Z"};
    struct slc_sigv4_key k = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                              "us-east-1", "service"};
    char out[512], want[512];

    snprintf(want, sizeof(want),
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
             "SignedHeaders=host;x-amz-date, Signature=%s",
             want_sig);
    SLC_CHECK_INT_EQ(slc_sigv4_authorization(&r, &k, out, sizeof(out)), 0);
    SLC_CHECK_STR_EQ(out, want);
}

static void test_get_vanilla(void)
{
    vanilla("GET", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

static void test_post_vanilla(void)
{
    vanilla("POST", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

static void test_s3_get_object(void)
{
    const char *names[] = {"host", "range", "x-amz-content-sha256", "x-amz-date"};
    const char *values[] = {"examplebucket.s3.amazonaws.com", "bytes=0-9", EMPTY_SHA,
                            "20130524T000000Z"};
    struct slc_sigv4_request r = {"GET",  "/test.txt", "",        names,
                                  values, 4,           EMPTY_SHA, "20130524T000000Z"};
    struct slc_sigv4_key k = {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                              "us-east-1", "s3"};
    char out[512];

    SLC_CHECK_INT_EQ(slc_sigv4_authorization(&r, &k, out, sizeof(out)), 0);
    SLC_CHECK_STR_EQ(out,
                     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                     "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                     "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    SLC_CHECK_INT_EQ(slc_sigv4_authorization(&r, &k, out, 40), -12); /* SLC_ELIMIT */
}

static void test_helpers(void)
{
    char hex[SLC_SIGV4_HEX_LEN + 1], enc[64];

    SLC_CHECK_INT_EQ(slc_sigv4_sha256_hex("", 0, hex), 0);
    SLC_CHECK_STR_EQ(hex, EMPTY_SHA);
    SLC_CHECK_INT_EQ(slc_sigv4_uri_encode("a b/c~d%.ts", 1, enc, sizeof(enc)), 0);
    SLC_CHECK_STR_EQ(enc, "a%20b/c~d%25.ts");
    SLC_CHECK_INT_EQ(slc_sigv4_uri_encode("a/b", 0, enc, sizeof(enc)), 0);
    SLC_CHECK_STR_EQ(enc, "a%2Fb");
    SLC_CHECK_INT_EQ(slc_sigv4_uri_encode("abcdef", 1, enc, 4), -12);
}

int main(void)
{
    SLC_RUN(test_get_vanilla);
    SLC_RUN(test_post_vanilla);
    SLC_RUN(test_s3_get_object);
    SLC_RUN(test_helpers);
    return slc_test_summary("test_sigv4");
}
