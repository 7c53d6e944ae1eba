package clients_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/reachhq/reach/clients"
	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
)

// TestVerifyNeedsAlipaysWord: a channel is ENABLED only when Alipay accepted its
// credentials. An answer nobody signed — a 404 from a wrong URL, a proxy's 400 or 403, a
// redirect — must not pass as a credential check, nor count as Alipay rejecting them.
func TestVerifyNeedsAlipaysWord(t *testing.T) {
	priv, pub := keyPair(t), keyPair(t)
	for _, status := range []int{http.StatusNotFound, http.StatusBadRequest, http.StatusForbidden, http.StatusFound} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if status == http.StatusFound {
				http.Redirect(w, r, "/elsewhere", status)
				return
			}
			w.WriteHeader(status)
		}))
		for _, typ := range []string{"ALIPAY_LIFE_ACCOUNT", "ALIPAY_MINI_PROGRAM", "ALIPAY_PLUS_MINI_PROGRAM"} {
			creds := adapter.Credentials{AppID: "2021000000000001", AppPrivateKey: privPEM(priv), AlipayPublicKey: pubPEM(pub),
				GatewayURL: srv.URL + "/gateway.do", ClientID: "client", MerchantPrivateKey: privPEM(priv), PlatformPublicKey: pubPEM(pub)}
			if typ == "ALIPAY_PLUS_MINI_PROGRAM" {
				creds.GatewayURL = srv.URL + "/api/open"
			}
			a, err := clients.NewAdapter(typ, creds, nil)
			if err != nil {
				t.Fatalf("%s: %v", typ, err)
			}
			err = a.Verify(context.Background())
			if err == nil || alipayerr.ClassOf(err) == alipayerr.Auth {
				t.Errorf("%s, HTTP %d: Verify = %v; want an error that is not an authentication failure", typ, status, err)
			}
		}
		srv.Close()
	}
}

func keyPair(t *testing.T) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func privPEM(k *rsa.PrivateKey) string {
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func pubPEM(k *rsa.PrivateKey) string {
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
