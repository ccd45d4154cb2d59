#!/usr/bin/env bash
# What the test suite needs besides node_modules, on a Debian machine: PostgreSQL, Redis, Chromium
# and OpenSSH's server, installed from Debian when missing and started when stopped. Then it runs
# the command it was given with TEST_POSTGRES_URL and TEST_REDIS_URL set:
#
#   bash scripts/test-services.sh npm test      # what `npm run test:fresh` does
#   source scripts/test-services.sh             # .ci/run: set up, then run its own steps
#
# Runs as root or through sudo. TEST_SERVICES_DRY_RUN=1 says what it would install or start
# without doing it (the test suite checks the script that way).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dry="${TEST_SERVICES_DRY_RUN:-}"
log() { printf '\n== %s\n' "$*"; }
# In a dry run, a step is printed instead of done.
run() { if [ -n "$dry" ]; then printf 'would run: %s\n' "$*"; else "$@"; fi; }
as_root() { if [ "$(id -u)" = 0 ]; then run "$@"; else run sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  if [ -n "$dry" ]; then printf 'would install: %s\n' "$*"; return; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}
wait_for() { for _ in $(seq 1 30); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done; return 1; }

log "PostgreSQL"
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt_install postgresql
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  cluster_version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  as_root pg_ctlcluster --skip-systemctl-redirect "${cluster_version:-<installed version>}" main start
  [ -n "$dry" ] || wait_for pg_isready -q -h 127.0.0.1 -p 5432
fi
# Tests log in as postgres over TCP with a password, which works under md5/scram as well as trust.
if ! PGPASSWORD=postgres psql -q -h 127.0.0.1 -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
  as_root runuser -u postgres -- psql -q -c "ALTER USER postgres PASSWORD 'postgres'"
fi
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}"

log "Redis"
if ! command -v redis-server >/dev/null 2>&1; then
  apt_install redis-server
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/tests.log
  [ -n "$dry" ] || wait_for redis-cli -h 127.0.0.1 -p 6379 ping
fi
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"

log "Chromium (browser tests)"
if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
fi

log "OpenSSH server (the SFTP destination's tests start their own sshd on a loopback port)"
if [ ! -x /usr/sbin/sshd ]; then
  apt_install openssh-server openssh-client
fi
# sshd started by root checks that its privilege separation directory exists.
if [ ! -d /run/sshd ]; then
  as_root mkdir -p /run/sshd
fi

log "Ready: TEST_POSTGRES_URL and TEST_REDIS_URL are set"
if [ "$#" -gt 0 ] && [ "${BASH_SOURCE[0]}" = "$0" ]; then
  exec "$@"
fi
