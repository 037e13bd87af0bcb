#!/usr/bin/env bash
# Throw-away PostgreSQL 15 and Redis for the test suite, on loopback, in a temporary folder.
#
#   eval "$(tools/test_services.sh start)"     # starts both; prints the variables to export
#   tools/test_services.sh stop "$KOMEK_TEST_SERVICES_DIR"
#
# Nothing here touches Debian's own cluster (port 5432) or a system Redis: each run picks free ports,
# keeps every file in its folder and deletes the folder on stop. PostgreSQL's initdb refuses root,
# so as root the server runs as the `postgres` user.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    local dir pg_port redis_port
    dir=$(mktemp -d "${TMPDIR:-/tmp}/komek-test-services.XXXXXX")
    chmod 755 "$dir"
    # If anything below fails, leave nothing running behind.
    trap 'stop "$dir" >/dev/null 2>&1 || true' ERR
    mkdir "$dir/pg"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/pg"; fi
    pg_port=$(free_port)
    as_postgres "$PG_BIN/initdb" -D "$dir/pg/data" -A trust -U komek --no-sync -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; false; }
    # fsync off: a throw-away cluster never needs to survive a crash, and the tests run faster. The load
    # benchmark sets KOMEK_DURABLE_SERVICES=1 to commit as a production server does.
    local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${KOMEK_DURABLE_SERVICES:-0}" = 1 ]; then durability=""; fi
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/pg.log" -w -t 60 start \
        -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 $durability -c max_connections=200" \
        >/dev/null || { cat "$dir/pg/pg.log" >&2; false; }
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U komek komek

    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
    for _ in $(seq 50); do
        redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null || { cat "$dir/redis.log" >&2; false; }
    trap - ERR

    echo "export KOMEK_TEST_SERVICES_DIR=$dir"
    echo "export KOMEK_TEST_POSTGRES_URL=postgresql+psycopg://komek@127.0.0.1:$pg_port/komek"
    echo "export KOMEK_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
}

stop() {
    local dir=${1:-${KOMEK_TEST_SERVICES_DIR:-}}
    # Only ever a folder this script made.
    case "$dir" in
        */komek-test-services.*) ;;
        *) echo "test_services.sh stop: not a test services folder: '$dir'" >&2; return 1 ;;
    esac
    [ -d "$dir" ] || return 0
    if [ -f "$dir/pg/data/postmaster.pid" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ -f "$dir/redis.pid" ]; then
        local pid
        pid=$(cat "$dir/redis.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start | stop [DIR]" >&2; exit 2 ;;
esac
