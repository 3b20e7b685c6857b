#!/usr/bin/env bash
# Stops the emulators started by infra/emulators/start.sh.
set -u
STATE="${THINK_TANK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/think-tank}/emulators"
for name in dynamodb moto s3 oidc; do
  pidfile="$STATE/$name.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null && echo "emulators: stopped $name ($pid)" >&2
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
done
