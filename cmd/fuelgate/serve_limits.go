package main

import (
	"flag"
	"strconv"

	"github.com/fuelgate/fuelgate/server"
)

// limitFlags are the serve flags of the abuse limits and the metrics
// listener (docs/configuration.md).
type limitFlags struct {
	metricsAddr string
	tokenRate   float64
	tokenBurst  int
}

func (l *limitFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&l.metricsAddr, "metrics-addr", getenv("FUELGATE_METRICS_ADDR"),
		"serve /metrics on this address only, e.g. 127.0.0.1:9090, instead of on the main listener ($FUELGATE_METRICS_ADDR)")
	fs.Float64Var(&l.tokenRate, "token-rate", envFloat(getenv, "FUELGATE_TOKEN_RATE", 100),
		"tokens a second each installed package may be issued after a burst of --token-burst; 0 means no limit ($FUELGATE_TOKEN_RATE)")
	fs.IntVar(&l.tokenBurst, "token-burst", 0, "tokens a package may be issued at once (default 10 × --token-rate)")
}

// apply sets the limits in a server configuration.
func (l *limitFlags) apply(c *server.Config) {
	c.MetricsAddr = l.metricsAddr
	c.Auth.TokenRate, c.Auth.TokenBurst = l.tokenRate, l.tokenBurst
	if l.tokenRate <= 0 {
		c.Auth.TokenRate = -1 // no limit
	}
}

func envFloat(getenv func(string) string, key string, def float64) float64 {
	if v, err := strconv.ParseFloat(getenv(key), 64); err == nil {
		return v
	}
	return def
}
