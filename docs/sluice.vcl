# SPDX-License-Identifier: MIT
# Varnish 7 in front of one or two sluice origins (docs/deploy.md). The origin's Cache-Control
# decides every TTL: segments a year (immutable), VOD playlists a day, live/EVENT playlists half
# a target duration. Errors are never cached; a failed fetch is retried on the other origin.
# @PORT_A@/@PORT_B@ are replaced by the tests; set your own hosts and ports.
vcl 4.1;

import directors;

probe sluice_health {
    .url = "/"; # the player page: 200 while the origin serves
    .expected_response = 200;
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend a { .host = "127.0.0.1"; .port = "@PORT_A@"; .probe = sluice_health; }
backend b { .host = "127.0.0.1"; .port = "@PORT_B@"; .probe = sluice_health; }

sub vcl_init {
    # Deterministic packaging: both origins hold byte-identical objects under the same names,
    # so any mix of them is a valid stream.
    new primary = directors.fallback();
    primary.add_backend(a);
    primary.add_backend(b);
    new secondary = directors.fallback();
    secondary.add_backend(b);
    secondary.add_backend(a);
}

sub vcl_recv {
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    unset req.http.Cookie;
    # Same URL for every viewer (HLS-NOTES "Serving"): drop query strings from the cache key,
    # except LL-HLS delivery directives (RFC 8216bis 6.2.5), which ask for another playlist:
    # _HLS_msn and _HLS_part are kept, in one order, so viewers waiting for the same part
    # share one blocked origin request (Varnish's waiting list) and its answer.
    if (req.url ~ "\.m3u8\?" && req.url ~ "[?&]_HLS_msn=[0-9]+(&|$)") {
        set req.http.X-LL = "?_HLS_msn=" + regsub(req.url, "^.*[?&]_HLS_msn=([0-9]+).*$", "\1");
        if (req.url ~ "[?&]_HLS_part=[0-9]+(&|$)") {
            set req.http.X-LL = req.http.X-LL + "&_HLS_part=" +
                regsub(req.url, "^.*[?&]_HLS_part=([0-9]+).*$", "\1");
        }
        set req.url = regsub(req.url, "\?.*$", "") + req.http.X-LL;
        unset req.http.X-LL;
    } else {
        set req.url = regsub(req.url, "\?.*$", "");
    }
    return (hash);
}

sub vcl_backend_fetch {
    # A retry goes to the other origin first: the one that just failed may not be marked sick
    # by the probe yet.
    if (bereq.retries == 0) {
        set bereq.backend = primary.backend();
    } else {
        set bereq.backend = secondary.backend();
    }
}

sub vcl_backend_response {
    if (beresp.status >= 500 && bereq.retries < 2) {
        return (retry);
    }
    if (beresp.status >= 400) {
        # never cache errors: a 404 for a segment that appears a moment later must not stick
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    if (bereq.url ~ "\.m3u8$") {
        # no grace for playlists: a live playlist is never served older than its max-age
        set beresp.grace = 0s;
        set beresp.keep = 0s;
    }
    return (deliver);
}

sub vcl_backend_error {
    if (bereq.retries < 2) {
        return (retry);
    }
}
