#!/usr/bin/env bash
# A private PgBouncer in transaction pooling mode, for tests: the mode that breaks named prepared
# statements and session state, which flagsmith-provision must survive.
#
#   scripts/pgbouncer.sh start   # starts it (if not running) and prints its port on stdout
#   scripts/pgbouncer.sh port    # prints the port of the running instance (exit 1 if none)
#   scripts/pgbouncer.sh stop    # stops it
#
# Environment (all optional):
#   PGBOUNCER_DIR        state directory (config, pid, log)     default /tmp/fsp-pgbouncer
#   PGBOUNCER_PORT       first port to try                      default 6439 (next free one is used)
#   PGBOUNCER_UPSTREAM   PostgreSQL host:port to pool           default 127.0.0.1:5432
#   PGBOUNCER_USER / PGBOUNCER_PASSWORD  the one role clients use  default postgres / (empty)
# Needs Debian's `pgbouncer` package (apt-get install -y pgbouncer). PgBouncer refuses to run as
# root, so as root it is started with `-u postgres` (or PGBOUNCER_RUN_AS).
set -euo pipefail

dir=${PGBOUNCER_DIR:-/tmp/fsp-pgbouncer}
upstream=${PGBOUNCER_UPSTREAM:-127.0.0.1:5432}
user=${PGBOUNCER_USER:-postgres}
password=${PGBOUNCER_PASSWORD:-}
pidfile="$dir/pgbouncer.pid"

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "${1:-}" in
  start)
    if running; then cat "$dir/port"; exit 0; fi
    command -v pgbouncer >/dev/null || { echo "pgbouncer is not installed (apt-get install -y pgbouncer)" >&2; exit 1; }
    port=${PGBOUNCER_PORT:-6439}
    while in_use "$port"; do port=$((port + 1)); done
    mkdir -p "$dir"
    printf '"%s" "%s"\n' "$user" "$password" > "$dir/userlist.txt"
    cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=${upstream%:*} port=${upstream##*:}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 4
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $pidfile
INI
    echo "$port" > "$dir/port"
    run_as=()
    if [[ $(id -u) -eq 0 ]]; then
      run_as=(-u "${PGBOUNCER_RUN_AS:-postgres}")
      chown -R "${PGBOUNCER_RUN_AS:-postgres}" "$dir"
    fi
    pgbouncer -d "${run_as[@]}" "$dir/pgbouncer.ini"
    for _ in $(seq 50); do in_use "$port" && break; sleep 0.1; done
    in_use "$port" || { echo "pgbouncer did not start; see $dir/pgbouncer.log" >&2; tail -5 "$dir/pgbouncer.log" >&2 || true; exit 1; }
    echo "$port"
    ;;
  port)
    running || exit 1
    cat "$dir/port"
    ;;
  stop)
    if running; then
      pid=$(cat "$pidfile")
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
    ;;
  *)
    echo "usage: $0 start|port|stop" >&2
    exit 2
    ;;
esac
