package alipaysim

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// Product is the Alipay product an app belongs to; it decides which APIs the app may call.
type Product string

// The products the simulator serves.
const (
	LifeAccount Product = "life_account" // 生活号: alipay.open.public.* (§2.3)
	MiniProgram Product = "mini_program" // 小程序: alipay.open.app.mini.* (§2.1–2.2)
	AlipayPlus  Product = "alipay_plus"  // Alipay+ mini program OpenAPI (§4)
)

// Subscription types of mini-program templates (§5).
const (
	OneTime  = "one_time"
	LongTerm = "long_term"
)

// Config describes the simulated Alipay. Every *File field has an inline twin holding the
// PEM text itself; LoadConfig reads the files (relative to the config file) into the inline
// fields, so New only ever looks at the inline ones. Missing Alipay key material is
// generated (see README.md).
type Config struct {
	// Addr is where Start listens; default 127.0.0.1:0 (a free port).
	Addr string `json:"addr,omitempty"`

	// The Alipay key that signs responses and notifications in public-key mode (§1.6).
	AlipayPrivateKeyFile string `json:"alipay_private_key_file,omitempty"`
	AlipayPrivateKey     string `json:"alipay_private_key,omitempty"`
	// Certificate mode (§1.7): the Alipay public cert (its key must be the Alipay key), the
	// root bundle (alipayRootCert.crt) and the key of the root that issues Alipay certs,
	// needed to rotate the Alipay cert. All generated when absent.
	AlipayCertFile     string `json:"alipay_cert_file,omitempty"`
	AlipayCert         string `json:"alipay_cert,omitempty"`
	AlipayRootCertFile string `json:"alipay_root_cert_file,omitempty"`
	AlipayRootCert     string `json:"alipay_root_cert,omitempty"`
	AlipayRootKeyFile  string `json:"alipay_root_key_file,omitempty"`
	AlipayRootKey      string `json:"alipay_root_key,omitempty"`
	// The Alipay+ platform key that signs Alipay+ responses (§4.3); default the Alipay key.
	PlatformPrivateKeyFile string `json:"platform_private_key_file,omitempty"`
	PlatformPrivateKey     string `json:"platform_private_key,omitempty"`

	// TimestampSkew is how far timestamp (gateway) and Request-Time (Alipay+) may be from
	// the simulator's clock; default 30m, negative disables the check (open question 8).
	TimestampSkew Duration `json:"timestamp_skew,omitempty"`
	// StrictTimestamps accepts a gateway timestamp only as Beijing time. By default the same
	// text read as UTC is accepted too: the official Node and C# SDKs stamp the machine's
	// local time and many servers run in UTC (§6.4), so Alipay must take those stamps.
	StrictTimestamps bool `json:"strict_timestamps,omitempty"`
	// Alipay+ token lifetimes (§4.6); defaults 1h, 30 days and 10 minutes.
	AccessTokenTTL  Duration `json:"access_token_ttl,omitempty"`
	RefreshTokenTTL Duration `json:"refresh_token_ttl,omitempty"`
	AuthCodeTTL     Duration `json:"auth_code_ttl,omitempty"`
	// MaxTemplates is the per-app limit of claimed Life Account templates; default 50.
	MaxTemplates int `json:"max_templates,omitempty"`
	// MaxRecords bounds the accepted-request log and the Alipay+ idempotency memory;
	// default 100000. The oldest entries go first.
	MaxRecords int `json:"max_records,omitempty"`

	// TemplateLibrary is the Life Account template library claims draw from, by lib_code.
	TemplateLibrary map[string]LibraryEntry `json:"template_library,omitempty"`
	Apps            []App                   `json:"apps"`

	// Clock, when set, replaces time.Now for state (expiry of codes and tokens). Go only.
	Clock func() time.Time `json:"-"`
	// Logger receives one line per rejected request at debug level. Go only; default discard.
	Logger *slog.Logger `json:"-"`
}

// App is one registered application.
type App struct {
	AppID   string  `json:"app_id"`
	Product Product `json:"product"`
	// Name is what the verification queries (info.query, baseinfo.query) return.
	Name string `json:"name,omitempty"`
	// The app's public key (public-key mode) or its public certificate (certificate mode);
	// exactly one. CertMode asks NewTestServer to issue a certificate.
	AppPublicKeyFile string `json:"app_public_key_file,omitempty"`
	AppPublicKey     string `json:"app_public_key,omitempty"`
	AppCertFile      string `json:"app_cert_file,omitempty"`
	AppCert          string `json:"app_cert,omitempty"`
	CertMode         bool   `json:"-"`
	// EncryptKey is the base64 AES key of §1.8; EncryptRequired rejects plain requests.
	EncryptKey      string `json:"encrypt_key,omitempty"`
	EncryptRequired bool   `json:"encrypt_required,omitempty"`
	// RequireFollow (Life Account): sends to users who do not follow fail; default true.
	RequireFollow *bool `json:"require_follow,omitempty"`
	// ClientID is the Alipay+ Client-Id header value; AuthClientID, when set, must match
	// the authClientId of Alipay+ requests.
	ClientID     string `json:"client_id,omitempty"`
	AuthClientID string `json:"auth_client_id,omitempty"`

	Templates []Template `json:"templates,omitempty"`
	// Initial state, restored by Reset: Life Account followers and mini-program
	// subscriptions.
	Followers     []string       `json:"followers,omitempty"`
	Subscriptions []Subscription `json:"subscriptions,omitempty"`

	// Limits (rate_limit, latency, latency_min, latency_max) are the app's initial rate
	// limit and latency, restored by Reset; SetLimits changes them at runtime.
	Limits
}

// Template is a message template of an app.
type Template struct {
	ID string `json:"id"`
	// Keywords are the data keys a send must fill (keyword1, keyword2, … for the Open
	// Platform; templateParameters keys for Alipay+, where an empty list accepts any).
	Keywords []string `json:"keywords"`
	// Subscription is one_time or long_term (mini programs only).
	Subscription string `json:"subscription,omitempty"`
	Title        string `json:"title,omitempty"`
}

// Subscription is a user's acceptance of a mini-program template.
type Subscription struct {
	User       string `json:"user"`
	TemplateID string `json:"template_id"`
	// Count is the number of one-time acceptances (default 1); ignored for long-term.
	Count int `json:"count,omitempty"`
}

// LibraryEntry is a master template in the Life Account template library.
type LibraryEntry struct {
	Title    string   `json:"title"`
	Keywords []string `json:"keywords"` // names a claim may pick, e.g. "交易金额"
}

// Duration is a time.Duration written in JSON as a Go duration string ("30m") or a
// number of seconds.
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads "90s"-style strings or seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		secs, nerr := strconv.ParseFloat(string(b), 64)
		if nerr != nil {
			return fmt.Errorf("duration must be a string like \"30m\" or seconds: %s", b)
		}
		*d = Duration(secs * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}

func (c *Config) skew() time.Duration {
	if c.TimestampSkew == 0 {
		return 30 * time.Minute
	}
	return time.Duration(c.TimestampSkew)
}

func orDefault(d Duration, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return time.Duration(d)
}

func orDefaultInt(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
