package gateway

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/reachhq/reach/clients/signer"
)

func TestNewValidates(t *testing.T) {
	k := keys(t)
	tests := []struct {
		name   string
		mutate func(*Config)
		msg    string
	}{
		{"no app id", func(c *Config) { c.AppID = "" }, "AppID"},
		{"no signer", func(c *Config) { c.Signer = nil }, "signer"},
		{"no alipay key", func(c *Config) { c.AlipayPublicKey = nil }, "AlipayPublicKey is required"},
		{"app's own key as Alipay's", func(c *Config) { c.AlipayPublicKey = &k.app.PublicKey }, "app's own public key"},
		{"bad AES key", func(c *Config) { c.EncryptKey = make([]byte, 10) }, "EncryptKey"},
		{"bad URL", func(c *Config) { c.GatewayURL = "openapi.alipay.com/gateway.do" }, "GatewayURL"},
		{"cert mode without roots", func(c *Config) { c.AlipayRootCerts = nil; c.AlipayRootCertSN = "x" }, "AlipayRootCerts"},
		{"cert mode without app SN", func(c *Config) { c.AppCertSN = "" }, "AppCertSN"},
		{"cert mode without alipay SN", func(c *Config) { c.AlipayCertSN = "" }, "AlipayCertSN"},
		{"root SN disagrees", func(c *Config) { c.AlipayRootCertSN = "0123" }, "does not match"},
		{"roots without RSA", func(c *Config) { c.AlipayRootCerts = []*x509.Certificate{{}}; c.AlipayRootCertSN = "" }, "no RSA"},
	}
	for _, tt := range tests {
		cfg := certConfig(t, "")
		tt.mutate(&cfg)
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: New = %v, want error with %q", tt.name, err, tt.msg)
		}
	}
	c := newClient(t, certConfig(t, ""))
	if c.url != DefaultGatewayURL || c.rootCertSN != readTestdata(t, "root_cert_sn.txt") {
		t.Errorf("defaults: url %s, root SN %s", c.url, c.rootCertSN)
	}
}

func TestUseCertificates(t *testing.T) {
	cfg := Config{Signer: signer.NewRSA(keys(t).app)}
	app, ali, root := readTestdata(t, "app_cert.pem"), readTestdata(t, "alipay_cert.pem"), readTestdata(t, "root_cert.pem")
	if err := cfg.UseCertificates(app, ali, root); err != nil {
		t.Fatal(err)
	}
	if cfg.AppCertSN != readTestdata(t, "app_cert_sn.txt") || cfg.AlipayCertSN != readTestdata(t, "alipay_cert_sn.txt") ||
		cfg.AlipayRootCertSN != readTestdata(t, "root_cert_sn.txt") || !cfg.AlipayPublicKey.Equal(&keys(t).alipay.PublicKey) {
		t.Errorf("cfg = %+v (SNs from openssl differ)", cfg)
	}
	if err := cfg.UseCertificates(ali, ali, root); err == nil || !strings.Contains(err.Error(), "app private key") {
		t.Errorf("app cert of another key: %v", err)
	}
	for i, args := range [][3]string{{"x", ali, root}, {app, "x", root}, {app, ali, "x"}} {
		if err := cfg.UseCertificates(args[0], args[1], args[2]); err == nil {
			t.Errorf("case %d: garbage accepted", i)
		}
	}
}
