# Sourced by the perf scripts: start the release gateway (memory backend) on
# 127.0.0.1:3000 and set up users. LOCAL_BIN picks another build (e.g. to
# compare two commits); without it the current tree is built.
ADDR=127.0.0.1:3000
BASE="http://$ADDR"
PASSWORD="load test password"

start_gateway() { # extra VAR=value settings...
  if [ -z "${LOCAL_BIN:-}" ]; then
    cargo build --release -p local
    LOCAL_BIN="${CARGO_TARGET_DIR:-target}/release/local"
  fi
  OUTBOX=$(mktemp -d)
  env IP_RATE_LIMIT=1000000000 RUST_LOG=warn LOCAL_HTTP_ADDR=$ADDR LOCAL_OUTBOX_DIR="$OUTBOX" "$@" \
    "$LOCAL_BIN" >/dev/null &
  PID=$!
  trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$OUTBOX"' EXIT
  for _ in $(seq 1 50); do curl -sf "$BASE/v1/health" >/dev/null && break; sleep 0.1; done
}

register() { # email: registers and confirms the address (sign-in needs it)
  curl -sf -X POST "$BASE/v1/auth/register" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$PASSWORD\",\"name\":\"Load\"}" >/dev/null
  verify_email "$1"
}

# The login load's accounts: one account's parallel attempts are capped at the
# lockout threshold, so infra/perf/login.lua spreads over load1..load8.
register_login_accounts() {
  for i in $(seq 1 8); do register "load$i@example.com"; done
}

verify_email() { # email: follows the link in its verification email
  for _ in $(seq 1 50); do ls "$OUTBOX"/*"$1.eml" >/dev/null 2>&1 && break; sleep 0.1; done
  local token
  token=$(grep -ho 'token=[A-Za-z0-9_-]*' "$OUTBOX"/*"$1.eml" | head -n 1 | cut -d= -f2)
  curl -sf -X POST "$BASE/v1/auth/verify-email" -H 'content-type: application/json' \
    -d "{\"token\":\"$token\"}" >/dev/null
}

access_token() { # email
  curl -sf -X POST "$BASE/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$PASSWORD\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
