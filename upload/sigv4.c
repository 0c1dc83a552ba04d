/* SPDX-License-Identifier: MIT */
/* AWS Signature Version 4: canonical request, string to sign, derived key, signature
 * (docs.aws.amazon.com "Create a signed AWS API request"). libcrypto for the hashes only. */
#include "slc_sigv4.h"

#include "slc_buf.h"
#include "slc_err.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdio.h>
#include <string.h>

#define SLC_SIGV4_CANONICAL_MAX (64 * 1024) /* ceiling on the canonical request we build */
#define SCOPE_CAP 256

static void to_hex(const unsigned char *md, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * n] = '\0';
}

int slc_sigv4_sha256_hex(const void *p, size_t n, char hex[SLC_SIGV4_HEX_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) || len != 32) {
        return SLC_EINTERNAL;
    }
    to_hex(md, len, hex);
    return 0;
}

/* HMAC-SHA256 of `msg` under `key` into `out` (32 bytes). */
static int hmac(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
    unsigned int len = 0;

    if (!HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &len) ||
        len != 32) {
        return SLC_EINTERNAL;
    }
    return 0;
}

int slc_sigv4_uri_encode(const char *in, int keep_slash, char *out, size_t cap)
{
    static const char digits[] = "0123456789ABCDEF";
    size_t o = 0;

    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        int keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                   (*p >= '0' && *p <= '9') || strchr("-._~", *p) || (keep_slash && *p == '/');
        if (o + 4 > cap) {
            return SLC_ELIMIT;
        }
        if (keep) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = digits[*p >> 4];
            out[o++] = digits[*p & 15];
        }
    }
    if (o >= cap) {
        return SLC_ELIMIT;
    }
    out[o] = '\0';
    return 0;
}

/* The canonical request: method, URI, query, "name:value\n" headers, a blank line, the
 * signed header list and the payload hash, joined by newlines. Signed headers go to `names`. */
static int canonical_request(const struct slc_sigv4_request *r, struct slc_buf *b,
                             struct slc_buf *names)
{
    int ret = slc_buf_printf(b, "%s\n%s\n%s\n", r->method, r->canonical_uri, r->canonical_query);

    for (size_t i = 0; ret == 0 && i < r->nheaders; i++) {
        ret = slc_buf_printf(b, "%s:%s\n", r->header_names[i], r->header_values[i]);
        if (ret == 0) {
            ret = slc_buf_printf(names, "%s%s", i ? ";" : "", r->header_names[i]);
        }
    }
    if (ret == 0) {
        ret = slc_buf_printf(b, "\n%s\n%s", names->len ? names->data : "", r->payload_sha256);
    }
    return ret;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
static int signing_key(const struct slc_sigv4_key *k, const char *date, unsigned char key[32])
{
    char secret[256];
    unsigned char a[32], b[32];
    int n = snprintf(secret, sizeof(secret), "AWS4%s", k->secret_key);

    if (n < 0 || (size_t)n >= sizeof(secret)) {
        return SLC_ELIMIT;
    }
    if (hmac(secret, (size_t)n, date, a) < 0 || hmac(a, 32, k->region, b) < 0 ||
        hmac(b, 32, k->service, a) < 0 || hmac(a, 32, "aws4_request", key) < 0) {
        return SLC_EINTERNAL;
    }
    return 0;
}

int slc_sigv4_authorization(const struct slc_sigv4_request *r, const struct slc_sigv4_key *k,
                            char *out, size_t cap)
{
    struct slc_buf creq, names;
    char date[9], scope[SCOPE_CAP], creq_hex[SLC_SIGV4_HEX_LEN + 1], sts[512];
    char sig_hex[SLC_SIGV4_HEX_LEN + 1];
    unsigned char key[32], sig[32];
    int n, ret;

    slc_buf_init(&creq, SLC_SIGV4_CANONICAL_MAX);
    slc_buf_init(&names, SLC_SIGV4_CANONICAL_MAX);
    if (strlen(r->amz_date) != 16) {
        ret = SLC_EINVAL;
        goto out;
    }
    memcpy(date, r->amz_date, 8);
    date[8] = '\0';
    n = snprintf(scope, sizeof(scope), "%s/%s/%s/aws4_request", date, k->region, k->service);
    ret = n < 0 || (size_t)n >= sizeof(scope) ? SLC_ELIMIT : 0;
    if (ret == 0) {
        ret = canonical_request(r, &creq, &names);
    }
    if (ret == 0) {
        ret = slc_sigv4_sha256_hex(creq.data, creq.len, creq_hex);
    }
    if (ret < 0) {
        goto out;
    }
    snprintf(sts, sizeof(sts), "AWS4-HMAC-SHA256\n%s\n%s\n%s", r->amz_date, scope, creq_hex);
    ret = signing_key(k, date, key);
    if (ret == 0) {
        ret = hmac(key, 32, sts, sig);
    }
    if (ret < 0) {
        goto out;
    }
    to_hex(sig, 32, sig_hex);
    n = snprintf(out, cap, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                 k->access_key, scope, names.len ? names.data : "", sig_hex);
    ret = n < 0 || (size_t)n >= cap ? SLC_ELIMIT : 0;
out:
    slc_buf_deinit(&creq);
    slc_buf_deinit(&names);
    return ret;
}
