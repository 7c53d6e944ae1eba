package alipaysim

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reachhq/reach/clients/rsakey"
)

// Server is a simulated Alipay. Its methods are safe for concurrent use.
type Server struct {
	cfg      Config
	log      *slog.Logger
	apps     []*app
	byID     map[string]*app
	byClient map[string]*app

	alipayKey *rsa.PrivateKey
	alipay    *signer // public-key mode answers and notifications
	platform  *signer // Alipay+ answers
	pki       *pki
	cert      atomic.Pointer[alipayCert] // current Alipay cert (certificate mode)
	certMu    sync.Mutex
	certs     map[string]*alipayCert // every cert ever current, by SN, for download
	rotations int

	st      state
	records recordLog
	faults  faultSet
	offset  atomic.Int64 // Advance: added to the clock that ages state

	skew                               time.Duration
	strictTimestamps                   bool
	accessTTL, refreshTTL, authCodeTTL time.Duration
	maxTemplates, maxRecords           int

	handler http.Handler
	srv     *http.Server
	url     string
}

// New validates cfg and builds a server; it does not listen (see Start and Handler).
// Missing Alipay keys and certificates are generated (and cached for the process).
func New(cfg Config) (*Server, error) {
	s := &Server{cfg: cfg, log: cfg.Logger, byID: map[string]*app{}, byClient: map[string]*app{},
		certs: map[string]*alipayCert{}, skew: cfg.skew(), strictTimestamps: cfg.StrictTimestamps,
		accessTTL: orDefault(cfg.AccessTokenTTL, time.Hour), refreshTTL: orDefault(cfg.RefreshTokenTTL, 30*24*time.Hour),
		authCodeTTL: orDefault(cfg.AuthCodeTTL, 10*time.Minute), maxTemplates: orDefaultInt(cfg.MaxTemplates, 50),
		maxRecords: orDefaultInt(cfg.MaxRecords, 100000)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	apps, err := buildApps(&cfg)
	if err != nil {
		return nil, fmt.Errorf("alipaysim config: %w", err)
	}
	if err := s.loadKeys(&cfg); err != nil {
		return nil, fmt.Errorf("alipaysim config: %w", err)
	}
	s.apps = apps
	for _, a := range apps {
		s.byID[a.id] = a
		if a.product == AlipayPlus {
			s.byClient[a.clientID] = a
		}
	}
	s.records.limit = s.maxRecords
	s.st.reset(apps)
	s.handler = s.routes()
	return s, nil
}

func (s *Server) loadKeys(cfg *Config) error {
	var err error
	if cfg.AlipayPrivateKey == "" {
		s.alipayKey, err = cachedKey("alipay")
	} else if s.alipayKey, err = rsakey.ParsePrivateKey(cfg.AlipayPrivateKey); err != nil {
		err = fmt.Errorf("alipay_private_key: %w", err)
	}
	if err != nil {
		return err
	}
	s.alipay = newSigner(s.alipayKey)
	s.platform = s.alipay
	if cfg.PlatformPrivateKey != "" {
		k, err := rsakey.ParsePrivateKey(cfg.PlatformPrivateKey)
		if err != nil {
			return fmt.Errorf("platform_private_key: %w", err)
		}
		s.platform = newSigner(k)
	}
	return s.loadPKI(cfg)
}

// loadPKI uses the configured certificates or generates them (README "Certificate mode").
func (s *Server) loadPKI(cfg *Config) error {
	var err error
	switch {
	case cfg.AlipayRootCert == "" && (cfg.AlipayCert != "" || cfg.AlipayRootKey != ""):
		return errors.New("alipay_cert and alipay_root_key need alipay_root_cert")
	case cfg.AlipayRootCert == "":
		s.pki, err = generatePKI()
	default:
		s.pki, err = parsePKI(cfg.AlipayRootCert, cfg.AlipayRootKey)
	}
	if err != nil {
		return err
	}
	var c *alipayCert
	if cfg.AlipayCert != "" {
		c, err = loadAlipayCert(cfg.AlipayCert, s.alipayKey)
	} else {
		c, err = s.pki.newAlipayCert(s.alipayKey)
	}
	if err != nil {
		return err
	}
	s.setCert(c)
	return nil
}

func parsePKI(rootPEM, keyPEM string) (*pki, error) {
	bundle, err := rsakey.ParseCertificates(rootPEM)
	if err != nil {
		return nil, fmt.Errorf("alipay_root_cert: %w", err)
	}
	var key *rsa.PrivateKey
	if keyPEM != "" {
		if key, err = rsakey.ParsePrivateKey(keyPEM); err != nil {
			return nil, fmt.Errorf("alipay_root_key: %w", err)
		}
	}
	return newPKI(bundle, key)
}

func (s *Server) setCert(c *alipayCert) {
	s.certMu.Lock()
	s.certs[c.sn] = c
	s.certMu.Unlock()
	s.cert.Store(c)
}

// Handler serves the gateway, Alipay+ and the admin API, for mounting in another server.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on Config.Addr (default 127.0.0.1:0) and serves in the background.
func (s *Server) Start() error {
	addr := s.cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("alipaysim: listen: %w", err)
	}
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("alipay simulator stopped", "err", err)
		}
	}()
	return nil
}

// Shutdown stops accepting connections and waits for in-flight requests until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}

// Close stops the server at once.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Close()
}

// URL is the base URL after Start, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.url }

// GatewayURL is URL() + "/gateway.do", the Open Platform endpoint (§1.1).
func (s *Server) GatewayURL() string { return s.url + "/gateway.do" }

// now is the clock that ages state: Config.Clock (or time.Now) plus Advance.
func (s *Server) now() time.Time {
	t := time.Now()
	if s.cfg.Clock != nil {
		t = s.cfg.Clock()
	}
	return t.Add(time.Duration(s.offset.Load()))
}

// Advance moves the state clock forward (token and auth-code expiry). It does not move
// the clock that checks request timestamps, so clients keep working.
func (s *Server) Advance(d time.Duration) { s.offset.Add(int64(d)) }

// Reset restores the configured templates, followers, subscriptions and limits (with full
// rate-limit buckets) and forgets codes, tokens, idempotency keys, faults, records and the
// clock offset. Keys and certificates (including a rotated Alipay cert) stay.
func (s *Server) Reset() {
	s.st.reset(s.apps)
	s.records.reset()
	s.faults.clear()
	s.offset.Store(0)
}
