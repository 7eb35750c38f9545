# Shell functions to run a throwaway PostgreSQL 15 for tests and benchmarks: started as an unprivileged OS
# user in a temporary folder, on a random port, listening on 127.0.0.1 only. Source this file, then:
#   pg_up DBNAME   # exports DATABASE_URL, PGTMP, PGPORT, PGPID
#   pg_down        # stops it and deletes its files
# PG_FSYNC=on keeps fsync on (the default here is off, for tests); PG_EXTRA_OPTIONS adds server options.

pg_up() {
  local db=${1:-app} u=${PG_OS_USER:-postgres} bin=/usr/local/bin nofsync="-F"
  # Tests run without fsync (fast, nothing to keep); benchmarks set PG_FSYNC=on to measure durable commits.
  [ "${PG_FSYNC:-off}" = on ] && nofsync=""
  id -u "$u" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$u"
  PGTMP=$(mktemp -d -t pg.XXXXXX) && chown "$u" "$PGTMP"
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  runuser -u "$u" -- "$bin/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --no-sync >"$PGTMP/initdb.log" 2>&1 \
    || { cat "$PGTMP/initdb.log"; return 1; }
  runuser -u "$u" -- "$bin/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 30 \
    -o "$nofsync -p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 ${PG_EXTRA_OPTIONS:-}" start >/dev/null \
    || { cat "$PGTMP/server.log"; return 1; }
  PGPID=$(head -1 "$PGTMP/data/postmaster.pid")
  psql -h "$PGTMP" -p "$PGPORT" -U postgres -d postgres -qAtc "CREATE DATABASE \"$db\"" || return 1
  export PGTMP PGPORT PGPID
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$db?tlsmode=disable"
  echo "postgres pid=$PGPID port=$PGPORT dir=$PGTMP"
}

pg_down() {
  [ -n "${PGTMP:-}" ] || return 0
  runuser -u "${PG_OS_USER:-postgres}" -- /usr/local/bin/pg_ctl -D "$PGTMP/data" -m fast -w stop >/dev/null || kill -INT "$PGPID"
  rm -rf "$PGTMP"; unset PGTMP PGPORT PGPID DATABASE_URL
}
