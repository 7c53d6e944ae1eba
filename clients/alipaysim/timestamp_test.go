package alipaysim

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// stamped calls info.query with timestamp as given (signed like any parameter).
func stamped(t *testing.T, ts *TestServer, timestamp string) *gwAnswer {
	t.Helper()
	c := gw(t, ts, lifeApp)
	c.extra = map[string]string{"timestamp": timestamp}
	return c.call("alipay.open.public.info.query", nil)
}

// The Node and C# SDKs stamp local time; on a UTC server that is UTC (§6.4). By default
// both readings pass; strict_timestamps wants Beijing time only.
func TestGatewayTimestampReadings(t *testing.T) {
	beijing := func(d time.Duration) string { return time.Now().Add(d).In(cst).Format(timestampLayout) }
	utc := func(d time.Duration) string { return time.Now().Add(d).UTC().Format(timestampLayout) }
	lenient := newSim(t)
	cfg := testConfig()
	cfg.StrictTimestamps = true
	strict := NewTestServer(t, cfg)
	tests := []struct {
		name            string
		timestamp       string
		lenient, strict string // expected code in each mode
	}{
		{"Beijing time", beijing(0), "10000", "10000"},
		{"Beijing time, 29 minutes late", beijing(-29 * time.Minute), "10000", "10000"},
		{"UTC (Node/C# SDK on a UTC server)", utc(0), "10000", "40002"},
		{"UTC, 29 minutes ahead", utc(29 * time.Minute), "10000", "40002"},
		{"UTC, 31 minutes late", utc(-31 * time.Minute), "40002", "40002"},
		{"UTC-5 local time", time.Now().In(time.FixedZone("EST", -5*3600)).Format(timestampLayout), "40002", "40002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []struct {
				ts   *TestServer
				code string
			}{{lenient, tt.lenient}, {strict, tt.strict}} {
				a := stamped(t, mode.ts, tt.timestamp)
				sub := ""
				if mode.code != "10000" {
					sub = "isv.invalid-timestamp"
				}
				want(t, a, mode.code, sub)
				if sub != "" && a.sign != "" {
					t.Errorf("a timestamp refusal is a verification failure, answered unsigned: %s", a.body)
				}
			}
		})
	}
}

// A disabled skew check (negative) accepts any reading in either mode.
func TestGatewayStrictTimestampsWithoutSkew(t *testing.T) {
	cfg := testConfig()
	cfg.StrictTimestamps, cfg.TimestampSkew = true, Duration(-1)
	ts := NewTestServer(t, cfg)
	want(t, stamped(t, ts, time.Now().UTC().Format(timestampLayout)), "10000", "")
	want(t, stamped(t, ts, "2024-13-01 00:00:00"), "40002", "isv.invalid-timestamp") // the format still counts
}

// Alipay+ Request-Time carries its offset (or is epoch millis): nothing to misread, and
// strict_timestamps does not change it.
func TestPlusRequestTimeUnaffectedByStrict(t *testing.T) {
	cfg := testConfig()
	cfg.StrictTimestamps = true
	ts := NewTestServer(t, cfg)
	c := plus(t, ts)
	authorize(t, ts, c, "cust-1")
	c.epoch = true
	authorize(t, ts, c, "cust-2")
}

func TestConfigFileTimestampsAndLimits(t *testing.T) {
	dir := t.TempDir()
	key := mustKey(t, "app-0")
	if err := os.WriteFile(filepath.Join(dir, "pub.pem"), []byte(PublicKeyPEM(&key.PublicKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "sim.json")
	text := `{"strict_timestamps":true,"apps":[
		{"app_id":"a","product":"life_account","app_public_key_file":"pub.pem","templates":[{"id":"T","keywords":["keyword1"]}],
		 "rate_limit":2.5,"latency":"100ms"},
		{"app_id":"b","product":"life_account","app_public_key_file":"pub.pem","latency_min":"10ms","latency_max":0.05}]}`
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	a, b := cfg.Apps[0].Limits, cfg.Apps[1].Limits
	if !cfg.StrictTimestamps || a.RateLimit != 2.5 || a.Latency != Duration(100*time.Millisecond) ||
		b.LatencyMin != Duration(10*time.Millisecond) || b.LatencyMax != Duration(50*time.Millisecond) {
		t.Fatalf("config %+v, limits %+v %+v", cfg, a, b)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Limits("a"); got != a {
		t.Errorf("Limits(a) = %+v, want %+v", got, a)
	}
}
