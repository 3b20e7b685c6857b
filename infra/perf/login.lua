-- wrk script: POST /v1/auth/login, cycling through the load-test users
-- load1..load8@example.com (one account's parallel attempts are capped at the
-- lockout threshold, so the load spreads over several accounts).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n % 8 + 1
  local body = '{"email":"load' .. n .. '@example.com","password":"load test password"}'
  return wrk.format(nil, nil, nil, body)
end
