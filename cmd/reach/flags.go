package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/internal/buildinfo"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/internal/tracing"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
	"github.com/reachhq/reach/store/sqlite"
)

// isSQLite reports whether dsn names the embedded SQLite database, the one kind of
// database commands migrate on their own.
func isSQLite(dsn string) bool {
	d, err := backend.Dialect(dsn)
	return err == nil && d == backend.SQLite
}

// dbFlags are the flags of every command that opens the database.
type dbFlags struct {
	database string
}

func (f *dbFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.database, "database", backend.DefaultDSN,
		"database: sqlite:PATH, postgres://… or mysql://user:pass@host:port/db (env REACH_DATABASE)")
}

// openExisting opens the database for a command that only reads or changes what is there
// (keys list, keys revoke, tenants list and delete): on SQLite, a file that does not exist
// is an error instead of a new, empty database made to be listed.
func (f *dbFlags) openExisting(ctx context.Context) (store.Store, error) {
	if isSQLite(f.database) {
		if path, _, err := sqlite.DriverDSN(f.database); err == nil && path != ":memory:" && !strings.HasPrefix(path, "file:") {
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("no database at %s: `reach serve` or `reach keys create` makes one (or name another with --database)", path)
			}
		}
	}
	return f.open(ctx, isSQLite(f.database))
}

// open opens the store; migrate applies pending migrations first. Without migrate, a
// database whose schema is behind this binary is refused with the command that fixes it.
func (f *dbFlags) open(ctx context.Context, migrate bool) (store.Store, error) {
	st, _, err := backend.Open(ctx, f.database, backend.Options{AutoMigrate: migrate})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	current, err := st.SchemaCurrent(ctx)
	if err == nil && !current {
		err = errSchemaOld
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// keyFlags select the key ring that seals credentials at rest.
type keyFlags struct {
	keyFile string
}

func (f *keyFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.keyFile, "secret-key-file", "",
		"file with the secret key ring (ID:BASE64 per line; the first encrypts). REACH_SECRET_KEYS holds the same text inline (env REACH_SECRET_KEY_FILE)")
}

// load returns the key ring from REACH_SECRET_KEYS, the key file, or — for an SQLite
// database only — the key file next to the database, created when missing if create is set.
func (f *keyFlags) load(database string, log *slog.Logger, create bool) (*secrets.KeyRing, error) {
	if text := os.Getenv(secretKeysEnv); text != "" {
		if f.keyFile != "" {
			return nil, fmt.Errorf("set either REACH_SECRET_KEYS or --secret-key-file, not both")
		}
		return secrets.Parse(text)
	}
	if f.keyFile != "" {
		return secrets.LoadFile(f.keyFile)
	}
	path, _, err := sqlite.DriverDSN(database)
	if err != nil || path == ":memory:" || strings.HasPrefix(path, "file::memory:") {
		return nil, fmt.Errorf("no secret keys: set REACH_SECRET_KEYS or --secret-key-file (a key file is created automatically only for an SQLite database file)")
	}
	keyPath := filepath.Join(filepath.Dir(path), "reach.keys")
	if !create {
		if _, err := os.Stat(keyPath); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no secret keys: there is no key file %s; set REACH_SECRET_KEYS or --secret-key-file", keyPath)
		}
		return secrets.LoadFile(keyPath)
	}
	ring, created, err := secrets.LoadOrCreateFile(keyPath)
	if err != nil {
		return nil, err
	}
	if created {
		log.Warn("created a new secret key file; back it up: without it stored credentials cannot be decrypted", "path", keyPath)
	}
	return ring, nil
}

// newLogger builds the process logger (JSON or text on stderr).
func newLogger(format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: want json or text", format)
}

// runFlags are the flags of the long-running commands (serve, dispatch): the database, the
// key ring and the log.
type runFlags struct {
	db                  dbFlags
	keys                keyFlags
	alipay              alipayFlags
	logFormat, logLevel string
	otlpEndpoint        string
}

func (f *runFlags) register(cmd *cobra.Command) {
	f.db.register(cmd)
	f.keys.register(cmd)
	f.alipay.register(cmd)
	cmd.Flags().StringVar(&f.logFormat, "log-format", "text", "log format: text or json (env REACH_LOG_FORMAT)")
	cmd.Flags().StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn, error (env REACH_LOG_LEVEL)")
	cmd.Flags().StringVar(&f.otlpEndpoint, "otlp-endpoint", "", "base URL of an OTLP collector to send traces to, e.g. http://127.0.0.1:4318; "+
		"empty: tracing is on only when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (env REACH_OTLP_ENDPOINT)")
}

// running is what a long-running command has once it has started.
type running struct {
	ctx  context.Context // done on SIGINT or SIGTERM
	log  *slog.Logger
	st   store.Store
	ring *secrets.KeyRing
	// endpoints are the Alipay gateways this process may call.
	endpoints *appconn.Endpoints
	// tracing is where spans go (the zero value when tracing is not configured).
	tracing tracing.Tracing
}

// start opens the log, the store and the key ring; createKeys lets an SQLite database get
// its key file. The embedded SQLite default migrates itself; a shared server database is
// migrated on purpose with `reach migrate`, and an old schema is refused. close undoes it.
func (f *runFlags) start(cmd *cobra.Command, createKeys bool) (r running, close func(), err error) {
	if r.log, err = newLogger(f.logFormat, f.logLevel); err != nil {
		return r, nil, err
	}
	if r.endpoints, err = f.alipay.endpoints(); err != nil {
		return r, nil, err
	}
	if err = f.alipay.useSigner(r.log); err != nil {
		return r, nil, err
	}
	var stopTracing func(context.Context) error
	r.tracing, stopTracing, err = tracing.Setup(cmd.Context(), tracing.Options{Endpoint: f.otlpEndpoint, Version: buildinfo.Read().Version, Log: r.log})
	if err != nil {
		return r, nil, fmt.Errorf("tracing: %w", err)
	}
	if r.tracing.Enabled() {
		r.log = slog.New(tracing.LogHandler(r.log.Handler()))
		r.log.Info("tracing on: spans are exported over OTLP")
	}
	// Last of all: the spans of the work stopped before are flushed to the collector.
	flush := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopTracing(ctx); err != nil {
			r.log.Warn("tracing: flushing spans", "error", err)
		}
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
	r.ctx = ctx
	if r.st, err = f.db.open(ctx, isSQLite(f.db.database)); err != nil {
		stop()
		flush()
		return r, nil, err
	}
	if r.ring, err = f.keys.load(f.db.database, r.log, createKeys); err != nil {
		r.st.Close()
		stop()
		flush()
		return r, nil, err
	}
	return r, func() { r.st.Close(); stop(); flush() }, nil
}
