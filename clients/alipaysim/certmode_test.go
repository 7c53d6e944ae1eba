package alipaysim

import (
	"encoding/base64"
	"strings"
	"testing"
)

const certDownload = "alipay.open.app.alipaycert.download"

func TestCertModeAnswerShapeAndSNs(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, certApp)
	// The SNs our independent computation gets must be the simulator's.
	if c.appCertSN != ts.App(certApp).CertSN || c.rootCertSN != ts.AlipayRootCertSN() {
		t.Fatalf("SN mismatch: app %s vs %s, root %s vs %s", c.appCertSN, ts.App(certApp).CertSN, c.rootCertSN, ts.AlipayRootCertSN())
	}
	if n := strings.Count(c.rootCertSN, "_"); n != 1 {
		t.Errorf("root SN %q should join the two RSA roots and skip the ECDSA one", c.rootCertSN)
	}
	if err := ts.Subscribe(certApp, user1, longTmpl, 0); err != nil {
		t.Fatal(err)
	}
	a := c.call(miniSend, miniSendBiz(user1, longTmpl, data2))
	want(t, a, "10000", "")
	alipaySN := testCertSN(testCerts(t, ts.AlipayCertPEM())[0])
	if a.certSN != alipaySN {
		t.Errorf("alipay_cert_sn %q, want %q", a.certSN, alipaySN)
	}
	// Key order: <x>_response, alipay_cert_sn, sign (§1.5; gopay slices by it).
	wantBody := `{"alipay_open_app_mini_templatemessage_send_response":{"code":"10000","msg":"Success"},"alipay_cert_sn":"` + alipaySN + `","sign":"` + a.sign + `"}`
	if a.body != wantBody {
		t.Errorf("body %s\nwant %s", a.body, wantBody)
	}
}

func TestCertModeRejectsWrongSNs(t *testing.T) {
	ts := newSim(t)
	for _, tc := range []struct {
		name, appSN, rootSN, sub string
	}{
		{"no SNs (public-key mode client)", "-", "-", "isv.app-cert-sn-error"},
		{"wrong app_cert_sn", "0123456789abcdef0123456789abcdef", "", "isv.app-cert-sn-error"},
		{"root SN with the ECDSA root", "", "extra", "isv.alipay-root-cert-sn-error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := gw(t, ts, certApp)
			switch {
			case tc.appSN == "-":
				c.appCertSN = ""
			case tc.appSN != "":
				c.appCertSN = tc.appSN
			}
			if tc.rootSN == "extra" {
				c.rootCertSN += "_" + testCertSN(testCerts(t, ts.AlipayRootCertPEM())[1])
			}
			a := c.call("alipay.open.mini.baseinfo.query", nil)
			want(t, a, "40002", tc.sub)
			if a.sign != "" || a.certSN != "" {
				t.Errorf("verification failure should be unsigned: %s", a.body)
			}
		})
	}
}

// The client notices a new alipay_cert_sn, downloads the cert (unsigned answer), and
// verifies with it from then on (§1.7).
func TestCertRotationAndDownload(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, certApp)
	oldSN := ts.AlipayCertSN()
	newSN, err := ts.RotateAlipayCert(false)
	if err != nil || newSN == oldSN {
		t.Fatalf("rotate: %q, %v", newSN, err)
	}
	// A client still holding the old cert cannot verify: answers now use the new key.
	oldKey := c.verify
	c.verify = parsePub(t, ts.AlipayCertPEM())
	a := c.call("alipay.open.mini.baseinfo.query", nil)
	want(t, a, "10000", "")
	if a.certSN != newSN || testVerify(oldKey, a.content, a.sign) {
		t.Fatalf("alipay_cert_sn %q after rotation, want %q, signed with the new key", a.certSN, newSN)
	}
	d := c.call(certDownload, map[string]string{"alipay_cert_sn": newSN})
	want(t, d, "10000", "")
	if d.sign != "" || d.certSN != "" {
		t.Errorf("cert download must not be signed (§1.7): %s", d.body)
	}
	pemText, err := base64.StdEncoding.DecodeString(d.str("alipay_cert_content"))
	if err != nil || testCertSN(testCerts(t, string(pemText))[0]) != newSN {
		t.Fatalf("downloaded cert does not have SN %s (%v)", newSN, err)
	}
	if !testVerify(parsePub(t, string(pemText)), a.content, a.sign) {
		t.Error("the downloaded cert does not verify the answer")
	}
	// Old certs stay downloadable; unknown SNs are a business error.
	want(t, c.call(certDownload, map[string]string{"alipay_cert_sn": oldSN}), "10000", "")
	want(t, c.call(certDownload, map[string]string{"alipay_cert_sn": "ffff"}), "40004", "CERT_NOT_EXIST")
	// Public-key-mode answers are unaffected by rotation.
	want(t, gw(t, ts, lifeApp).call("alipay.open.public.info.query", nil), "10000", "")
	// keep_key re-certifies the same key: the SN changes, the key does not.
	keptSN, err := ts.RotateAlipayCert(true)
	if err != nil || keptSN == newSN || !testVerify(parsePub(t, ts.AlipayCertPEM()), a.content, a.sign) {
		t.Errorf("keep_key rotation: %q %v", keptSN, err)
	}
}

func TestAESRoundTrip(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, aesApp)
	a := c.call("alipay.open.public.message.single.send", lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2"))
	want(t, a, "10000", "")
	if !strings.HasPrefix(string(a.content), `"`) || !strings.HasPrefix(a.body, `{"alipay_open_public_message_single_send_response":"`) {
		t.Fatalf("encrypted answer should be a quoted string signed with its quotes: %s", a.body)
	}
	recs := ts.Requests(RequestFilter{AppID: aesApp})
	if len(recs) != 1 || !strings.Contains(string(recs[0].Content), `"to_user_id":"`+user1+`"`) {
		t.Errorf("record should hold the decrypted biz_content: %+v", recs)
	}
	// Business failures and faults of an encrypted call are encrypted too.
	for _, f := range []Fault{{}, {Kind: FaultUnknownError, Count: 1}} {
		if f.Kind != "" {
			_, _ = ts.AddFault(f)
		}
		a := c.call("alipay.open.public.message.single.send", lifeSendBiz(user1, "TMnope", "keyword1"))
		if a.code() == "10000" || !strings.HasPrefix(string(a.content), `"`) {
			t.Errorf("failure of an encrypted call not encrypted: %s", a.body)
		}
	}
}

func TestAESErrors(t *testing.T) {
	ts := newSim(t)
	plain := gw(t, ts, aesApp)
	plain.aesKey = nil
	a := plain.call("alipay.open.public.info.query", map[string]string{})
	want(t, a, "40001", "isv.missing-encrypt-key")
	if a.sign == "" {
		t.Error("an authenticated call's failure should be signed")
	}
	noKey := gw(t, ts, lifeApp)
	noKey.aesKey = []byte("0123456789abcdef")
	want(t, noKey.call("alipay.open.public.info.query", map[string]string{}), "40001", "isv.missing-encrypt-key")
	wrongKey := gw(t, ts, aesApp)
	wrongKey.aesKey = []byte("fedcba9876543210")
	want(t, wrongKey.call("alipay.open.public.info.query", map[string]string{"a": "b"}), "40002", "isv.decryption-error")
	badType := gw(t, ts, aesApp)
	badType.extra = map[string]string{"encrypt_type": "SM4"}
	badType.aesKey = nil
	want(t, badType.call("alipay.open.public.info.query", nil), "40002", "isv.invalid-encrypt-type")
}
