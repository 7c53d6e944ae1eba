package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/console"
	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/store"
)

// consoleSignIn posts key to the console's sign-in and returns the response, its body and
// the session cookie ("" when none was set).
func consoleSignIn(e *testEnv, key string) (*http.Response, []byte, string) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"key": key})
	resp, raw := e.httpRaw("", "POST", "/console/api/session", string(body), map[string]string{console.HeaderName: "1"})
	for _, c := range resp.Cookies() {
		if c.Name == console.CookieName && c.Value != "" {
			return resp, raw, c.Name + "=" + c.Value
		}
	}
	return resp, raw, ""
}

func TestConsoleSignInWithServerKeys(t *testing.T) {
	e := newTestEnv(t)
	admin := e.admin()
	resp, raw, ck := consoleSignIn(e, admin)
	if resp.StatusCode != http.StatusOK || ck == "" {
		t.Fatalf("sign in: %d %s", resp.StatusCode, raw)
	}
	var id console.Identity
	if err := json.Unmarshal(raw, &id); err != nil || id.Role != "admin" || id.TenantID == "" || id.KeyID == "" {
		t.Fatalf("identity %s", raw)
	}
	// The header shows the tenant by name (the one its keys were created under).
	if id.TenantName != "acme" {
		t.Errorf("tenant_name = %q, want acme (%s)", id.TenantName, raw)
	}
	if strings.Contains(string(raw), admin) || strings.Contains(resp.Header.Get("Set-Cookie"), admin) {
		t.Fatal("the key came back in the sign-in answer")
	}
	// The session works on the gateway only with the console header.
	resp, raw = e.httpRaw("", "GET", "/v1/channels", "", map[string]string{"Cookie": ck, console.HeaderName: "1"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("with header: %d %s", resp.StatusCode, raw)
	}
	resp, _ = e.httpRaw("", "GET", "/v1/channels", "", map[string]string{"Cookie": ck})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("cookie without the console header: %d, want 401", resp.StatusCode)
	}
	resp, _ = e.httpRaw("", "GET", "/v1/messages:watch", "", map[string]string{"Cookie": ck})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("watch with cookie but without the console header: %d, want 401", resp.StatusCode)
	}

	// A wrong key is refused in words.
	resp, raw, ck2 := consoleSignIn(e, "rk_nope_"+strings.Repeat("x", 30))
	if resp.StatusCode != http.StatusUnauthorized || ck2 != "" || !strings.Contains(string(raw), "refused") {
		t.Fatalf("wrong key: %d %s", resp.StatusCode, raw)
	}
}

func TestConsoleRoleIsTheKeys(t *testing.T) {
	e := newTestEnv(t)
	_, _, ck := consoleSignIn(e, e.key("acme", store.RoleViewer))
	if ck == "" {
		t.Fatal("viewer could not sign in")
	}
	h := map[string]string{"Cookie": ck, console.HeaderName: "1"}
	if resp, raw := e.httpRaw("", "GET", "/v1/channels", "", h); resp.StatusCode != http.StatusOK {
		t.Fatalf("viewer read: %d %s", resp.StatusCode, raw)
	}
	resp, raw := e.httpRaw("", "POST", "/v1/channels", `{"displayName":"x"}`, h)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer create: %d %s, want 403", resp.StatusCode, raw)
	}
}

func TestConsoleRevokedKeyEndsSession(t *testing.T) {
	e := newTestEnv(t)
	key := e.key("acme", store.RoleSender)
	_, _, ck := consoleSignIn(e, key)
	if ck == "" {
		t.Fatal("could not sign in")
	}
	keyID, _, err := apikey.Parse(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.RevokeAPIKey(context.Background(), keyID, time.Now()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(testKeyCacheFor + 100*time.Millisecond)
	h := map[string]string{"Cookie": ck, console.HeaderName: "1"}
	if resp, _ := e.httpRaw("", "GET", "/console/api/session", "", h); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("session of a revoked key: %d, want 401", resp.StatusCode)
	}
	if resp, _ := e.httpRaw("", "GET", "/v1/channels", "", h); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("API call of a revoked key's session: %d, want 401", resp.StatusCode)
	}
	if resp, _, ck := consoleSignIn(e, key); resp.StatusCode != http.StatusUnauthorized || ck != "" {
		t.Errorf("sign in with a revoked key: %d", resp.StatusCode)
	}
}

func TestConsolePageServed(t *testing.T) {
	e := newTestEnv(t)
	resp, raw := e.httpRaw("", "GET", "/console/", "", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), `id="app"`) {
		t.Fatalf("/console/: %d", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
}
