package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/fuelgate/fuelgate/auth"
	"github.com/fuelgate/fuelgate/internal/logbuf"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/provision"
	"github.com/fuelgate/fuelgate/server"
)

type serveFlags struct {
	common
	addr, publicURL  string
	demo, selfSigned bool
	tlsCert, tlsKey  string
	enterprise       string
	logFormat        string
	pprofAddr        string
	auditRetention   time.Duration
	refreshLifetime  time.Duration
	limits           limitFlags
	apply            string
}

func (m *Main) serve(ctx context.Context, args []string) error {
	var f serveFlags
	fs := m.newFlags("serve", &f.common)
	fs.StringVar(&f.addr, "addr", envOr(m.Getenv, "FUELGATE_ADDR", ":8080"), "listen address ($FUELGATE_ADDR)")
	fs.StringVar(&f.publicURL, "public-url", m.Getenv("FUELGATE_PUBLIC_URL"), "URL clients use to reach this server; instance URLs are built from it (default http(s)://127.0.0.1:<port>; $FUELGATE_PUBLIC_URL)")
	fs.BoolVar(&f.demo, "demo", false, "on an empty database, also create a child BU, an API user and an installed package, and print their credentials")
	fs.StringVar(&f.tlsCert, "tls-cert", m.Getenv("FUELGATE_TLS_CERT"), "TLS certificate file (PEM)")
	fs.StringVar(&f.tlsKey, "tls-key", m.Getenv("FUELGATE_TLS_KEY"), "TLS private key file (PEM)")
	fs.BoolVar(&f.selfSigned, "tls-self-signed", false, "serve HTTPS with a local CA and certificate created next to the database")
	fs.StringVar(&f.enterprise, "enterprise-name", "Enterprise", "name of the enterprise created on an empty database")
	fs.StringVar(&f.logFormat, "log-format", envOr(m.Getenv, "FUELGATE_LOG_FORMAT", "text"), "log format: text or json")
	fs.DurationVar(&f.auditRetention, "audit-retention", envDuration(m.Getenv, "FUELGATE_AUDIT_RETENTION", 90*24*time.Hour),
		"how long audit events are kept; older ones are swept (e.g. 2160h; negative keeps them forever; $FUELGATE_AUDIT_RETENTION)")
	fs.DurationVar(&f.refreshLifetime, "refresh-token-lifetime", envDuration(m.Getenv, "FUELGATE_REFRESH_TOKEN_LIFETIME", 30*24*time.Hour),
		"lifetime of refresh tokens: web and public apps (renewed by each refresh) and legacy packages ($FUELGATE_REFRESH_TOKEN_LIFETIME)")
	fs.StringVar(&f.pprofAddr, "pprof-addr", m.Getenv("FUELGATE_PPROF_ADDR"), "serve Go profiling (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060 ($FUELGATE_PPROF_ADDR)")
	f.limits.register(fs, m.Getenv)
	fs.StringVar(&f.apply, "apply", m.Getenv("FUELGATE_APPLY"), "apply this provisioning file (YAML or JSON) at start, before serving; a bad file stops the start and changes nothing ($FUELGATE_APPLY)")
	if err := parse(fs, args); err != nil {
		return err
	}
	var doc *provision.Document
	if f.apply != "" {
		var err error
		if doc, err = provision.ReadFile(f.apply, m.Getenv); err != nil {
			return err
		}
	}
	// The log is written out every logFlush, not line by line (see logbuf).
	logOut := logbuf.New(m.Stderr, logFlush)
	defer logOut.Close()
	log := logger(logOut, f.logFormat)
	tuneGC(m.Getenv)
	e, err := m.open(ctx, &f.common)
	if err != nil {
		return err
	}
	defer e.store.Close()
	tlsConf, caFile, err := f.tls()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	public := f.publicURL
	if public == "" {
		public = defaultPublicURL(ln.Addr().String(), tlsConf != nil)
	}
	if err := checkPublicURL(public, log); err != nil {
		return err
	}
	cfg := server.Config{Store: e.store, Keys: e.keys, Log: log, TLS: tlsConf, PublicURL: public,
		Auth: auth.Config{AuditRetention: f.auditRetention, RefreshLifetime: f.refreshLifetime}}
	f.limits.apply(&cfg)
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	if f.pprofAddr != "" {
		if err := servePprof(ctx, f.pprofAddr, log); err != nil {
			return err
		}
	}
	if doc != nil {
		if err := m.applyAtStart(ctx, srv.Manage, doc, f.apply); err != nil {
			return err
		}
	}
	boot, err := srv.Manage.Bootstrap(ctx, f.enterprise, f.demo)
	if err != nil {
		return err
	}
	m.printBootstrap(boot, public, caFile, f.demo)
	fmt.Fprintf(m.Stdout, "Admin console: %s/console/\n", strings.TrimRight(public, "/"))
	log.Info("fuelgate listening", "addr", ln.Addr().String(), "public_url", public, "db", redactDSN(f.db))
	logOut.Flush() // whoever waits for this line gets it now
	return srv.Serve(ctx, ln)
}

// tuneGC sets the collector for a server whose live heap is small (a few
// MiB, plus 19 MiB per argon2id verification while it runs, at most NumCPU
// at once) and whose requests make a lot of short-lived garbage: a GC
// percent of 300, so the collector runs a third as often as by default,
// under a soft memory limit of 40 MiB, which bounds the heap that a high
// percent would otherwise let grow after a collection that found an argon2id
// buffer live. GOGC and GOMEMLIMIT in the environment take precedence.
func tuneGC(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		server.SoftMemoryLimit(40 << 20) // raised above the live heap when it outgrows 40 MiB
	}
	if getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
}

// redactDSN hides a password in a database URL for logging.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "redacted")
	}
	return u.String()
}

// envDuration reads a duration from the environment, or def.
func envDuration(getenv func(string) string, key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(getenv(key)); err == nil {
		return d
	}
	return def
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// logFlush is how long a server log line may wait in memory before it is
// written out.
const logFlush = 100 * time.Millisecond

func logger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// tls returns the TLS configuration chosen by the flags, and the CA file
// clients must trust when it is self-signed.
func (f *serveFlags) tls() (*tls.Config, string, error) {
	switch {
	case f.selfSigned:
		host := "127.0.0.1"
		if f.publicURL != "" {
			if u, err := url.Parse(f.publicURL); err == nil && u.Hostname() != "" {
				host = u.Hostname()
			}
		}
		dir := filepath.Dir(f.db)
		cert, key, ca, err := selfSigned(dir, host)
		if err != nil {
			return nil, "", err
		}
		c, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, "", err
		}
		return &tls.Config{Certificates: []tls.Certificate{c}, MinVersion: tls.VersionTLS12}, ca, nil
	case f.tlsCert != "" || f.tlsKey != "":
		if f.tlsCert == "" || f.tlsKey == "" {
			return nil, "", fmt.Errorf("%w: --tls-cert and --tls-key go together", errUsage)
		}
		c, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return nil, "", err
		}
		return &tls.Config{Certificates: []tls.Certificate{c}, MinVersion: tls.VersionTLS12}, "", nil
	}
	return nil, "", nil
}

// defaultPublicURL derives a loopback URL from the bound address.
func defaultPublicURL(addr string, https bool) string {
	_, port, _ := net.SplitHostPort(addr)
	scheme := "http"
	if https {
		scheme = "https"
	}
	return scheme + "://127.0.0.1:" + port
}

// checkPublicURL rejects a malformed public URL and warns about plain HTTP
// on a non-loopback host.
func checkPublicURL(public string, log *slog.Logger) error {
	u, err := url.Parse(public)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: --public-url must be an absolute http(s) URL", errUsage)
	}
	if u.Scheme == "http" {
		h := u.Hostname()
		ip := net.ParseIP(h)
		if h != "localhost" && (ip == nil || !ip.IsLoopback()) {
			log.Warn("public URL is plain HTTP on a non-loopback host: secrets and tokens would cross the network in clear; use TLS", "public_url", public)
		}
	}
	return nil
}

// printBootstrap prints the credentials created on an empty database, once.
func (m *Main) printBootstrap(b *manage.Bootstrapped, public, caFile string, demo bool) {
	w := m.Stdout
	if caFile != "" {
		fmt.Fprintf(w, "TLS: self-signed; clients must trust the CA in %s\n  (Node: NODE_EXTRA_CA_CERTS=%s; curl: --cacert %s)\n\n", caFile, caFile, caFile)
	}
	if b == nil {
		if demo {
			fmt.Fprintln(w, "The database already has an enterprise: --demo objects are created on an empty database only.")
		}
		return
	}
	fmt.Fprintf(w, "Created enterprise %d %q.\nAdmin user:     %s\nAdmin password: %s\n(shown only now; it is stored as an argon2id hash)\n\n",
		b.Enterprise.MID, b.Enterprise.Name, b.AdminUsername, b.AdminPassword)
	if b.Demo == nil {
		return
	}
	d := b.Demo
	curlCA := ""
	if caFile != "" {
		curlCA = " --cacert " + caFile
	}
	base := strings.TrimRight(public, "/")
	fmt.Fprintf(w, `Demo objects:
  child business unit: %d %q
  API user:            %s  password: %s  (API User, WebServices API, digest-capable)
  username/password API logins: on
  installed package:   client ID %s
                       client secret %s

Get a token:
  curl -s%s -X POST %s/v2/token -H 'Content-Type: application/json' \
    -d '{"grant_type":"client_credentials","client_id":"%s","client_secret":"%s","account_id":"%d"}'

Call SOAP with it (put the access_token in TOKEN):
  curl -s%s %s/Service.asmx -H 'Content-Type: text/xml' -H 'SOAPAction: Retrieve' \
    -d '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Header><fueloauth xmlns="http://exacttarget.com">'"$TOKEN"'</fueloauth></Header><Body><RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>BusinessUnit</ObjectType><Properties>ID</Properties><Properties>Name</Properties></RetrieveRequest></RetrieveRequestMsg></Body></Envelope>'

`, d.ChildBU.MID, d.ChildBU.Name, d.APIUsername, d.APIPassword, d.ClientID, d.ClientSecret,
		curlCA, base, d.ClientID, d.ClientSecret, b.Enterprise.MID, curlCA, base)
}
