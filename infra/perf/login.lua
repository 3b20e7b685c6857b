-- wrk script: POST /v1/auth/login with the load-test user's credentials.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"load@example.com","password":"load test password"}'
