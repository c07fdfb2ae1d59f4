// Package compat holds end-to-end compatibility tests: real third-party SFMC
// clients — the npm packages fuel-auth 3.x and fuel-soap 2.x, and Debian's
// python3-zeep — driven against a real fuelgate binary started on a fresh
// SQLite database and a random loopback port, provisioned with the CLI.
//
// The clients run as scripts (fuel_clients.js, zeep_client.py) that print one
// "PASS <name>" or "FAIL <name>: <reason>" line per check; the Go tests turn
// each line into a subtest, so `go test ./...` covers them. Without node and
// compat/node_modules (`cd compat && npm ci`) or without zeep
// (`apt-get install python3-zeep`) the tests skip, unless CI=true, where a
// missing client is a failure. See docs/compatibility.md.
package compat
