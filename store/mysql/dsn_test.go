package mysql

import (
	"errors"
	"testing"
	"time"

	drv "github.com/go-sql-driver/mysql"

	"github.com/reachhq/reach/store"
)

func TestDriverDSN(t *testing.T) {
	got, err := DriverDSN("mysql://reach:p%40ss:w%2Frd@db.example:3307/reach?tls=skip-verify&timeout=5s")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := drv.ParseDSN(got) // what the driver will actually use
	if err != nil {
		t.Fatalf("driver cannot parse %q: %v", got, err)
	}
	if cfg.User != "reach" || cfg.Passwd != "p@ss:w/rd" || cfg.Net != "tcp" || cfg.Addr != "db.example:3307" || cfg.DBName != "reach" {
		t.Fatalf("connection fields: %+v", cfg)
	}
	if !cfg.ParseTime || cfg.Loc != time.UTC || cfg.Collation != "utf8mb4_bin" {
		t.Fatalf("forced settings: parseTime=%v loc=%v collation=%q", cfg.ParseTime, cfg.Loc, cfg.Collation)
	}
	if cfg.TLSConfig != "skip-verify" || cfg.Timeout != 5*time.Second {
		t.Fatalf("user parameters lost: tls=%q timeout=%v", cfg.TLSConfig, cfg.Timeout)
	}

	got, err = DriverDSN("mysql://root@127.0.0.1/test")
	if err != nil {
		t.Fatal(err)
	}
	const want = "root@tcp(127.0.0.1:3306)/test?charset=utf8mb4&collation=utf8mb4_bin&interpolateParams=true&parseTime=true"
	if got != want { // loc=UTC is the driver's default, so FormatDSN leaves it out
		t.Fatalf("DriverDSN = %q, want %q", got, want)
	}

	// A charset of the user's own is kept, without forcing a collation that would not fit it.
	cfg, err = DriverConfig("mysql://root@h:1/db?charset=latin1")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Collation != "" || cfg.InterpolateParams {
		t.Fatalf("collation %q or interpolateParams %v forced on a user charset", cfg.Collation, cfg.InterpolateParams)
	}
	// The user's own choice about interpolation is kept.
	if cfg, err = DriverConfig("mysql://root@h:1/db?interpolateParams=false"); err != nil || cfg.InterpolateParams {
		t.Fatalf("interpolateParams=false overridden: %v %v", cfg, err)
	}
	if cfg, err = DriverConfig("mysql://root@h:1/db?parseTime=false&loc=Local"); err != nil || !cfg.ParseTime || cfg.Loc != time.UTC {
		t.Fatalf("parseTime/loc not forced: %v %v", cfg, err)
	}

	for _, bad := range []string{
		"postgres://root@h/db", "mysql://root@h", "mysql://root@h/", "mysql:///db", "mysql://root@h/a/b",
		"mysql://root@h/db?parseTime=maybe", "mysql://root@h:port/db", "root@tcp(h)/db",
	} {
		if _, err := DriverDSN(bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("DriverDSN(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		err  error
		want error
	}{
		{&drv.MySQLError{Number: 1062}, store.ErrAlreadyExists},
		{&drv.MySQLError{Number: 1406}, store.ErrInvalid},
		{&drv.MySQLError{Number: 1045}, store.ErrUnavailable},
		{drv.ErrInvalidConn, store.ErrUnavailable},
		{&drv.MySQLError{Number: 1064}, nil},
		{errors.New("other"), nil},
	} {
		if got := classify(c.err); got != c.want {
			t.Errorf("classify(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	if !retryable(&drv.MySQLError{Number: 1213}) || retryable(&drv.MySQLError{Number: 1062}) {
		t.Error("retryable: deadlock must be retryable, a duplicate must not")
	}
}
