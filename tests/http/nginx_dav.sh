#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A throwaway nginx WebDAV target on 127.0.0.1 (core ngx_http_dav_module: PUT/DELETE, compiled
# into Debian's nginx-light): source this file, then
#   dav_start DIR        start nginx serving DIR/root, logging to DIR/access.log; sets DAV_PORT
#                        (DAV_PORT_FIXED: reuse a port; DAV_RATE: requests/s, delayed beyond)
#   dav_stop DIR         stop it (by the pid in DIR/nginx.pid)
# Every request is logged as "METHOD URI STATUS CONTENT_TYPE CONTENT_LENGTH CACHE_CONTROL".

dav_conf() {
    local dir=$1 port=$2
    local user=""
    # As root, nginx's workers would run as nobody and couldn't write into DIR.
    [[ $(id -u) -eq 0 ]] && user="user root root;"
    cat >"$dir/nginx.conf" <<CONF
$user
daemon on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 256; }
http {
    log_format dav '\$request_method \$uri \$status "\$content_type" \$content_length "\$http_cache_control" \$msec';
    access_log $dir/access.log dav;
    client_body_temp_path $dir/tmp;
    proxy_temp_path $dir/tmp;
    fastcgi_temp_path $dir/tmp;
    uwsgi_temp_path $dir/tmp;
    scgi_temp_path $dir/tmp;
    client_max_body_size 1g;
    limit_req_zone \$server_port zone=slow:1m rate=${DAV_RATE:-10000}r/s;
    server {
        listen 127.0.0.1:$port;
        limit_req zone=slow burst=1000;
        root $dir/root;
        location / {
            dav_methods PUT DELETE MKCOL;
            create_full_put_path on;
            dav_access user:rw group:r all:r;
        }
        location /ro/ { }  # no DAV: PUT gets 405
        location /nodel/ {  # PUT only: DELETE gets 405
            dav_methods PUT;
            create_full_put_path on;
            dav_access user:rw group:r all:r;
        }

    }
}
CONF
}

# A free port (not guaranteed to stay free, but loopback-only and retried by dav_start).
dav_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

dav_start() {
    local dir=$1 try
    mkdir -p "$dir/root" "$dir/tmp"
    for try in 1 2 3; do
        DAV_PORT=${DAV_PORT_FIXED:-$(dav_free_port)}
        dav_conf "$dir" "$DAV_PORT"
        if nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" 2>>"$dir/error.log"; then
            for _ in $(seq 50); do
                curl -s -o /dev/null "http://127.0.0.1:$DAV_PORT/" && return 0
                sleep 0.05
            done
        fi
    done
    echo "nginx did not start:" >&2
    cat "$dir/error.log" >&2
    return 1
}

dav_stop() {
    local dir=$1 pid
    [[ -f $dir/nginx.pid ]] || return 0
    pid=$(cat "$dir/nginx.pid")
    kill "$pid" 2>/dev/null
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    rm -f "$dir/nginx.pid"
}
