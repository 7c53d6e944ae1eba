package main

import (
	"testing"

	"github.com/spf13/cobra"
)

// TestAlipayFlags: --alipay-hosts and --alipay-allow-loopback beat REACH_ALIPAY_HOSTS and
// REACH_ALIPAY_ALLOW_LOOPBACK, which beat the defaults (Alipay's hosts, no loopback).
func TestAlipayFlags(t *testing.T) {
	check := func(name string, env map[string]string, args []string, url string, want bool) {
		t.Helper()
		t.Setenv(configEnv, "") // no configuration file of the developer's
		for k, v := range env {
			t.Setenv(k, v)
		}
		var f alipayFlags
		cmd := &cobra.Command{Use: "x"}
		f.register(cmd)
		if err := cmd.ParseFlags(args); err != nil {
			t.Fatal(err)
		}
		if _, err := applySettings(cmd); err != nil {
			t.Fatal(err)
		}
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
