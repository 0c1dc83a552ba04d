/* SPDX-License-Identifier: MIT */
/* AWS Signature Version 4 (the Authorization header of an S3 request), written by hand so that
 * it is unit-tested against AWS's published vectors and doesn't depend on what a given curl's
 * CURLOPT_AWS_SIGV4 signs; libcurl doesn't expose its HMAC/SHA-256, so those come from
 * OpenSSL's libcrypto. No I/O. */
#ifndef SLC_SIGV4_H
#define SLC_SIGV4_H

#include <stddef.h>

#define SLC_SIGV4_HEX_LEN 64 /* a SHA-256 in lowercase hex, without the NUL */

/** One request to sign. Header names must be lowercase and sorted, values trimmed (the caller
 * sends exactly these headers); `canonical_uri` is already URI-encoded; `canonical_query` is
 * the sorted, encoded query ("" for none). */
struct slc_sigv4_request {
    const char *method;
    const char *canonical_uri;
    const char *canonical_query;
    const char *const *header_names;
    const char *const *header_values;
    size_t nheaders;
    const char *payload_sha256; /* hex, or "UNSIGNED-PAYLOAD" */
    const char *amz_date;       /* "YYYYMMDDTHHMMSSZ", also sent as x-amz-date */
};

struct slc_sigv4_key {
    const char *access_key;
    const char *secret_key;
    const char *region;  /* "us-east-1" */
    const char *service; /* "s3" */
};

/** Write the Authorization header value ("AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
 * Signature=...") into `out` (size `cap`). Returns 0, SLC_ELIMIT if it doesn't fit (or a part
 * exceeds the internal ceiling SLC_SIGV4_CANONICAL_MAX), SLC_EINTERNAL if libcrypto fails. */
int slc_sigv4_authorization(const struct slc_sigv4_request *r, const struct slc_sigv4_key *k,
                            char *out, size_t cap);

/** SHA-256 of `n` bytes at `p` as lowercase hex into `hex` (65 bytes with the NUL).
 * Returns 0 or SLC_EINTERNAL. */
int slc_sigv4_sha256_hex(const void *p, size_t n, char hex[SLC_SIGV4_HEX_LEN + 1]);

/** URI-encode `in` as SigV4 wants (unreserved A-Z a-z 0-9 - . _ ~ kept; '/' kept when
 * `keep_slash`; everything else %XX uppercase). Returns 0 or SLC_ELIMIT. */
int slc_sigv4_uri_encode(const char *in, int keep_slash, char *out, size_t cap);

#endif
