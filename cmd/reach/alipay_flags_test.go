package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/clients/signer"
)

// parseAlipayFlags registers alipayFlags on a command and applies args and the settings.
func parseAlipayFlags(t *testing.T, args []string) *alipayFlags {
	t.Helper()
	var f alipayFlags
	cmd := &cobra.Command{Use: "x"}
	f.register(cmd)
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	if _, err := applySettings(cmd); err != nil {
		t.Fatal(err)
	}
	return &f
}

// TestAlipayFlags: --alipay-hosts and --alipay-allow-loopback beat REACH_ALIPAY_HOSTS and
// REACH_ALIPAY_ALLOW_LOOPBACK, which beat the defaults (Alipay's hosts, no loopback).
func TestAlipayFlags(t *testing.T) {
	check := func(name string, env map[string]string, args []string, url string, want bool) {
		t.Helper()
		t.Setenv(configEnv, "") // no configuration file of the developer's
		for k, v := range env {
			t.Setenv(k, v)
		}
		f := parseAlipayFlags(t, args)
		ep, err := f.endpoints()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := ep.Check(url) == nil; got != want {
			t.Errorf("%s: %s allowed=%v, want %v (list %s)", name, url, got, want, ep)
		}
	}
	check("default: production", nil, nil, "https://openapi.alipay.com/gateway.do", true)
	check("default: no loopback", nil, nil, "http://127.0.0.1:8080/gateway.do", false)
	check("flag: loopback", nil, []string{"--alipay-allow-loopback"}, "http://127.0.0.1:8080/gateway.do", true)
	check("env: loopback", map[string]string{"REACH_ALIPAY_ALLOW_LOOPBACK": "true"}, nil, "http://127.0.0.1:8080/gateway.do", true)
	check("flag beats env: loopback", map[string]string{"REACH_ALIPAY_ALLOW_LOOPBACK": "true"}, []string{"--alipay-allow-loopback=false"}, "http://127.0.0.1:8080/gateway.do", false)
	check("env: hosts", map[string]string{"REACH_ALIPAY_HOSTS": "wallet.example:8443"}, nil, "https://wallet.example:8443/api/open", true)
	check("env: hosts replace the defaults", map[string]string{"REACH_ALIPAY_HOSTS": "wallet.example:8443"}, nil, "https://openapi.alipay.com/gateway.do", false)
	check("flag beats env: hosts", map[string]string{"REACH_ALIPAY_HOSTS": "wallet.example:8443"}, []string{"--alipay-hosts", "openapi.alipay.com"}, "https://openapi.alipay.com/gateway.do", true)
}

// TestRSASignerFlag: --rsa-signer / REACH_RSA_SIGNER chooses what signs, the log says which,
// and a name that is none of auto, openssl and go stops the command with the choices.
func TestRSASignerFlag(t *testing.T) {
	t.Setenv(configEnv, "")
	t.Cleanup(func() { _, _ = signer.Use(signer.BackendAuto) })
	use := func(env string, args ...string) (string, error) {
		t.Helper()
		t.Setenv("REACH_RSA_SIGNER", env)
		f := parseAlipayFlags(t, args)
		var logged bytes.Buffer
		err := f.useSigner(slog.New(slog.NewTextHandler(&logged, nil)))
		return logged.String(), err
	}
	if logged, err := use("go"); err != nil || !strings.Contains(logged, `"signing Alipay calls with go"`) {
		t.Errorf("env go: %v, log %q", err, logged)
	}
	if logged, err := use("go", "--rsa-signer", "auto"); err != nil || !strings.Contains(logged, "signing Alipay calls with") {
		t.Errorf("flag auto: %v, log %q", err, logged)
	}
	if _, err := use("", "--rsa-signer", "gnutls"); err == nil || !strings.Contains(err.Error(), `unknown RSA signer "gnutls": want auto, openssl or go`) {
		t.Errorf("flag gnutls: %v", err)
	}
}
