package adaptertest

import (
	"strings"
	"testing"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/alipaysim"
)

// certDownload is the API a certificate-mode client calls to fetch a rotated Alipay cert.
const certDownload = "alipay.open.app.alipaycert.download"

// gatewayCases are the cases the Open Platform products (Life Account, mini program) share:
// recipient kinds, certificate mode and AES, each on its own app of the product's simulator.
// certAESApp is in certificate mode and requires AES; foreignApp belongs to the other
// Open Platform product.
func gatewayCases(certApp, aesApp, certAESApp, foreignApp string) []testCase {
	return []testCase{
		{"Verify/app of the other product", func(t *testing.T, f *fixture) { testForeignApp(t, f, foreignApp) }},
		{"Send/BadRequest/customer id recipient", testSendCustomerRecipient},
		{"CertMode/verify and send", func(t *testing.T, f *fixture) { testCertMode(t, f, certApp) }},
		{"CertMode/own cert as Alipay's", func(t *testing.T, f *fixture) { testCertOwnCert(t, f, certApp) }},
		{"CertMode/Alipay cert rotation", func(t *testing.T, f *fixture) { testCertRotation(t, f, certApp) }},
		{"CertMode/concurrent sends across a rotation", func(t *testing.T, f *fixture) { testCertRotationConcurrent(t, f, certApp) }},
		{"CertMode/rotation while the download fails", func(t *testing.T, f *fixture) { testCertDownloadFails(t, f, certApp) }},
		{"AES/with EncryptKey", func(t *testing.T, f *fixture) { testAES(t, f, aesApp) }},
		{"AES/Verify with EncryptKey", func(t *testing.T, f *fixture) { testAESVerify(t, f, aesApp) }},
		{"AES/encrypted failures", func(t *testing.T, f *fixture) { testAESFailures(t, f, aesApp) }},
		{"AES/without EncryptKey", func(t *testing.T, f *fixture) { testAESMissingKey(t, f, aesApp) }},
		{"AES/certificate mode and rotation", func(t *testing.T, f *fixture) { testCertAES(t, f, certAESApp) }},
	}
}

// An Alipay+ customer id cannot receive Open Platform messages: refused before any call.
func testSendCustomerRecipient(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Recipient = adapter.User{Kind: adapter.CustomerID, ID: m.Recipient.ID}
	before := f.ts.Stats()
	_, err := f.main.Send(ctx(t), m)
	wantTransport(t, err, alipayerr.BadRequest, 0)
	if after := f.ts.Stats(); after != before {
		t.Errorf("a refused recipient reached the simulator: stats %+v → %+v", before, after)
	}
}

func testCertMode(t *testing.T, f *fixture, appID string) {
	creds := openPlatformCreds(f.ts, appID)
	if creds.AlipayPublicCert == "" || creds.AlipayPublicKey != "" {
		t.Fatalf("%s is not registered in certificate mode", appID)
	}
	a := f.build(t, creds, nil)
	if err := a.Verify(ctx(t)); err != nil {
		t.Fatalf("Verify in certificate mode: %v", err)
	}
	m := f.readyOn(t, appID, f.msgID())
	send(t, a, m)
	f.wantRecords(t, appID, m.Recipient.ID, 1)
	// A private key that does not match the app certificate cannot sign for it.
	if _, err := f.newAdapter(f.channelType, f.signWith(creds, f.creds.AppPrivateKey), nil); err == nil {
		t.Error("a certificate-mode adapter was built with a private key that does not match the app certificate")
	}
}

// The app's own certificate where Alipay's belongs is the certificate-mode paste mistake.
func testCertOwnCert(t *testing.T, f *fixture, appID string) {
	creds := openPlatformCreds(f.ts, appID)
	creds.AlipayPublicCert = creds.AppPublicCert
	a, err := f.newAdapter(f.channelType, creds, nil)
	if err != nil {
		return // refused at build
	}
	if ae := asError(t, a.Verify(ctx(t))); ae.Class != alipayerr.Auth {
		t.Fatalf("Verify with the app's own cert as Alipay's: %v, want Auth", ae)
	}
}

// Alipay rotates its certificate: the next answer names a new alipay_cert_sn, the client
// downloads that certificate once, checks it against the roots and keeps working.
func testCertRotation(t *testing.T, f *fixture, appID string) {
	a := f.build(t, openPlatformCreds(f.ts, appID), nil)
	m := f.readyOn(t, appID, f.msgID())
	send(t, a, m)
	oldSN := f.ts.AlipayCertSN()
	newSN, err := f.ts.RotateAlipayCert(false)
	if err != nil {
		t.Fatal(err)
	}
	if newSN == oldSN {
		t.Fatalf("rotation kept SN %s", oldSN)
	}
	for i := range 3 {
		m.ID = f.msgID()
		if _, err := a.Send(ctx(t), m); err != nil {
			t.Fatalf("send %d after the rotation: %v", i+1, err)
		}
	}
	if err := a.Verify(ctx(t)); err != nil {
		t.Fatalf("Verify after the rotation: %v", err)
	}
	f.wantRecords(t, appID, m.Recipient.ID, 4)
	downloads := f.records(certDownload, appID, "")
	if len(downloads) != 1 {
		t.Fatalf("%d certificate downloads, want exactly 1", len(downloads))
	}
	if sn := str(t, content(t, downloads[0]), "alipay_cert_sn"); sn != newSN {
		t.Errorf("downloaded cert %s, want the new one %s", sn, newSN)
	}
	// An adapter built later from the new certificate needs no download.
	b := f.build(t, openPlatformCreds(f.ts, appID), nil)
	m.ID = f.msgID()
	send(t, b, m)
	if n := len(f.records(certDownload, appID, "")); n != 1 {
		t.Errorf("%d certificate downloads after an adapter with the new cert sent, want still 1", n)
	}
}

func testAES(t *testing.T, f *fixture, appID string) {
	creds := openPlatformCreds(f.ts, appID)
	if creds.EncryptKey == "" {
		t.Fatalf("%s has no AES key", appID)
	}
	a := f.build(t, creds, nil)
	m := f.readyOn(t, appID, f.msgID())
	send(t, a, m)
	recs := f.wantRecords(t, appID, m.Recipient.ID, 1)
	// The simulator decrypted what it recorded: the plain business content arrived.
	if !strings.Contains(string(recs[0].Content), m.Recipient.ID) {
		t.Errorf("recorded content %s does not name the recipient", recs[0].Content)
	}
}

// Verify's query has no biz_content; an app that requires AES must still get encrypt_type.
func testAESVerify(t *testing.T, f *fixture, appID string) {
	a := f.build(t, openPlatformCreds(f.ts, appID), nil)
	if err := a.Verify(ctx(t)); err != nil {
		t.Fatalf("Verify of an app that requires AES, with its EncryptKey: %v", err)
	}
}

func testAESMissingKey(t *testing.T, f *fixture, appID string) {
	creds := openPlatformCreds(f.ts, appID)
	creds.EncryptKey = ""
	a := f.build(t, creds, nil)
	m := f.readyOn(t, appID, f.msgID())
	_, err := a.Send(ctx(t), m)
	wantErr(t, err, alipayerr.Auth, "40001", "isv.missing-encrypt-key")
	f.wantRecords(t, appID, m.Recipient.ID, 0)
	wantErr(t, a.Verify(ctx(t)), alipayerr.Auth, "40001", "isv.missing-encrypt-key")
}

// Many sends through one adapter meet a rotated certificate at once: every one succeeds and
// the certificate is downloaded once.
func testCertRotationConcurrent(t *testing.T, f *fixture, appID string) {
	a := f.build(t, openPlatformCreds(f.ts, appID), nil)
	m := f.readyOn(t, appID, f.msgID())
	send(t, a, m)
	before := len(f.records(certDownload, appID, ""))
	if _, err := f.ts.RotateAlipayCert(false); err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make(chan error, n)
	for range n {
		mi := *m
		mi.ID = f.msgID()
		go func() {
			_, err := a.Send(ctx(t), &mi)
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("concurrent send after the rotation: %v", err)
		}
	}
	f.wantRecords(t, appID, m.Recipient.ID, n+1)
	if got := len(f.records(certDownload, appID, "")) - before; got != 1 {
		t.Errorf("%d certificate downloads for one rotation, want 1", got)
	}
}

// Answers to encrypted calls are encrypted, failures included: they are decrypted, verified
// and classified like plain ones.
func testAESFailures(t *testing.T, f *fixture, appID string) {
	a := f.build(t, openPlatformCreds(f.ts, appID), nil)
	m := f.readyOn(t, appID, f.msgID())
	m.Recipient.ID = f.user() // cannot receive: neither follows nor subscribed
	_, err := a.Send(ctx(t), m)
	wantErr(t, err, alipayerr.NotSubscribed, f.codes.notSubscribed.code, f.codes.notSubscribed.sub)
	if _, err := f.ts.AddFault(alipaysim.Fault{Kind: alipaysim.FaultUnknownError, AppID: appID, API: f.sendAPI, Count: 1}); err != nil {
		t.Fatal(err)
	}
	m = f.readyOn(t, appID, f.msgID())
	_, err = a.Send(ctx(t), m)
	wantErr(t, err, alipayerr.Retryable, "20000", "isp.unknow-error")
	f.wantRecords(t, appID, m.Recipient.ID, 0)
}

// A certificate-mode app that requires AES: sends are encrypted, and the certificate
// download after a rotation, which is never encrypted (§1.7), still works.
func testCertAES(t *testing.T, f *fixture, appID string) {
	creds := openPlatformCreds(f.ts, appID)
	if creds.EncryptKey == "" || creds.AlipayPublicCert == "" {
		t.Fatalf("%s is not a certificate-mode AES app", appID)
	}
	a := f.build(t, creds, nil)
	m := f.readyOn(t, appID, f.msgID())
	send(t, a, m)
	if _, err := f.ts.RotateAlipayCert(false); err != nil {
		t.Fatal(err)
	}
	m.ID = f.msgID()
	if _, err := a.Send(ctx(t), m); err != nil {
		t.Fatalf("send after the rotation: %v", err)
	}
	f.wantRecords(t, appID, m.Recipient.ID, 2)
}

// Credentials of an app of the other product (a mini program's on a Life Account channel):
// Alipay refuses the product's API with 40006, which Verify reports as Auth.
func testForeignApp(t *testing.T, f *fixture, appID string) {
	a := f.build(t, openPlatformCreds(f.ts, appID), nil)
	wantErr(t, a.Verify(ctx(t)), alipayerr.Auth, "40006", "isv.insufficient-isv-permissions")
}

// The certificate download after a rotation fails once: the send's answer cannot be
// verified yet, which says nothing about the credentials (Retryable, not Auth); the next
// call downloads the certificate and works.
func testCertDownloadFails(t *testing.T, f *fixture, appID string) {
	a := f.build(t, openPlatformCreds(f.ts, appID), nil)
	m := f.readyOn(t, appID, f.msgID())
	send(t, a, m)
	if _, err := f.ts.RotateAlipayCert(false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ts.AddFault(alipaysim.Fault{Kind: alipaysim.FaultHTTP, Status: 502, AppID: appID, API: certDownload, Count: 1}); err != nil {
		t.Fatal(err)
	}
	m.ID = f.msgID()
	_, err := a.Send(ctx(t), m)
	if ae := asError(t, err); ae.Class != alipayerr.Retryable {
		t.Fatalf("send whose answer names a certificate that cannot be downloaded now: %v, want Retryable", err)
	}
	m.ID = f.msgID()
	send(t, a, m)
	if err := a.Verify(ctx(t)); err != nil {
		t.Fatalf("Verify after the download worked: %v", err)
	}
}
