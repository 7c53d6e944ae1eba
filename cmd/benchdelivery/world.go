package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the admin connection

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/delivery/deliverytest"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
)

const ringText = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// benchTB lets the deliverytest world run outside `go test`: failures end the program.
type benchTB struct{ cleanups []func() }

func (*benchTB) Helper() {}
func (*benchTB) Fatal(args ...any) {
	fmt.Fprintln(os.Stderr, append([]any{"benchdelivery:"}, args...)...)
	os.Exit(1)
}
func (*benchTB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchdelivery: "+format+"\n", args...)
	os.Exit(1)
}
func (b *benchTB) Cleanup(f func()) { b.cleanups = append(b.cleanups, f) }
func (b *benchTB) done() {
	for i := len(b.cleanups) - 1; i >= 0; i-- {
		b.cleanups[i]()
	}
}

// bench is one measurement's world on a fresh database.
type bench struct {
	*deliverytest.World
	tb   *benchTB
	conn *appconn.Connector
	dsn  string
}

func newBench(ctx context.Context, o options, db string) (*bench, error) {
	tb := &benchTB{}
	dsn, err := freshDatabase(ctx, tb, o, db)
	if err != nil {
		return nil, err
	}
	st, _, err := backend.Open(ctx, dsn, backend.Options{AutoMigrate: true})
	if err != nil {
		return nil, err
	}
	tb.Cleanup(func() { st.Close() })
	ring, err := secrets.Parse(ringText)
	if err != nil {
		return nil, err
	}
	// The benchmark's Alipay is the simulator on loopback.
	ep, err := appconn.NewEndpoints(nil, true)
	if err != nil {
		return nil, err
	}
	conn := appconn.New(st, ring, o.log, appconn.WithEndpoints(ep))
	return &bench{World: deliverytest.New(tb, st, conn, nil), tb: tb, conn: conn, dsn: dsn}, nil
}

func (b *bench) close() { b.tb.done() }

// freshDatabase returns the DSN of an empty database: an SQLite file in a temporary
// directory, or a PostgreSQL schema of its own (dropped at cleanup).
func freshDatabase(ctx context.Context, tb *benchTB, o options, db string) (string, error) {
	if db == "sqlite" {
		dir, err := os.MkdirTemp("", "benchdelivery-")
		if err != nil {
			return "", err
		}
		tb.Cleanup(func() { os.RemoveAll(dir) })
		return "sqlite:" + filepath.Join(dir, "reach.db"), nil
	}
	admin, err := sql.Open("pgx", o.postgres)
	if err != nil {
		return "", err
	}
	schema := "reach_bench_" + uuid.NewString()[:8]
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", err
	}
	tb.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(o.postgres)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func pingPostgres(ctx context.Context, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// recipients prepares n users of a product's channel and returns one send to each.
func (b *bench) recipients(product string, n int) []deliverytest.Send {
	var out []deliverytest.Send
	for i := range n {
		s := deliverytest.Send{Channel: product, To: deliverytest.UserID(i)}
		switch product {
		case "life":
			s.Template = "lt1"
			b.Follow(s.To)
		case "mini":
			s.Template = "long"
			b.Accept("long", "MT2", s.To, 0)
		case "plus":
			s.Template, s.To = "tp", deliverytest.Customer(i)
			b.Authorize(s.To)
		}
		out = append(out, s)
	}
	return out
}

// waiting counts the messages not finished yet.
func waiting(ctx context.Context, st store.Store) (int, error) {
	counts, err := st.QueueDepth(ctx)
	n := 0
	for _, c := range counts {
		n += int(c.Count)
	}
	return n, err
}
