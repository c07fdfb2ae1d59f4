// Package compat holds end-to-end compatibility tests: real third-party SFMC
// clients — the npm packages fuel-auth 3.x, fuel-soap 2.x and soap 1.x, and
// Debian's python3-zeep, python3-suds and PHP's SoapClient (php-cli,
// php-soap, php-xml, php-curl) — driven against a real fuelgate binary
// started on a fresh SQLite database and a random loopback port, provisioned
// with the CLI. suds and SoapClient are driven the way FuelSDK-Python and
// FuelSDK-PHP drive them: from a local copy of the WSDL.
//
// The clients run as scripts (fuel_clients.js, node_soap_client.js,
// zeep_client.py, suds_client.py, php_client.php) that print one
// "PASS <name>" or "FAIL <name>: <reason>" line per check; the Go tests turn
// each line into a subtest, so `go test ./...` covers them. Without node and
// compat/node_modules (`cd compat && npm ci`), or without the Debian packages
// (`apt-get install python3-zeep python3-suds php-cli php-soap php-xml
// php-curl`), the tests skip, unless CI=true, where a missing client is a
// failure. See docs/compatibility.md.
package compat
