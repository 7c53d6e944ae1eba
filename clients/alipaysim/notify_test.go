package alipaysim

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
)

// receiver is an application gateway that verifies what the simulator sends, written
// from §3 alone: §3.2 signs everything but sign, §3.1 everything but sign and sign_type.
type receiver struct {
	t         *testing.T
	alipay    *rsa.PublicKey
	appKey    *rsa.PrivateKey // signs Life Account replies
	got       map[string]string
	verified  bool
	replyText string // message notifications: what to answer
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	rc.got = map[string]string{}
	for k := range r.PostForm {
		rc.got[k] = r.PostForm.Get(k)
	}
	_, life := rc.got["service"]
	var keys []string
	for k, v := range rc.got {
		if k == "sign" || (k == "sign_type" && !life) || v == "" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+rc.got[k])
	}
	rc.verified = testVerify(rc.alipay, []byte(strings.Join(parts, "&")), rc.got["sign"])
	if !life {
		fmt.Fprint(w, rc.replyText)
		return
	}
	der, _ := x509.MarshalPKIXPublicKey(&rc.appKey.PublicKey)
	resp := "<success>true</success><biz_content>" + base64.StdEncoding.EncodeToString(der) + "</biz_content>"
	sig := signText(rc.appKey, resp)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><alipay><response>%s</response><sign>%s</sign><sign_type>RSA2</sign_type></alipay>`, resp, sig)
}

func TestNotifyLifeAccountEvents(t *testing.T) {
	ts := newSim(t)
	rc := &receiver{t: t, alipay: parsePub(t, ts.AlipayPublicKeyPEM()), appKey: ts.App(lifeApp).PrivateKey}
	srv := httptest.NewServer(rc)
	defer srv.Close()

	res, err := ts.Notify(context.Background(), Notification{URL: srv.URL, Kind: NotifyFollow, AppID: lifeApp, User: user2})
	if err != nil {
		t.Fatal(err)
	}
	if !rc.verified || rc.got["service"] != "alipay.mobile.public.message.notify" || rc.got["sign_type"] != "RSA2" {
		t.Fatalf("receiver could not verify (sign_type included, §3.2): %v", rc.got)
	}
	var biz map[string]string
	if err := json.Unmarshal([]byte(rc.got["biz_content"]), &biz); err != nil || biz["EventType"] != "follow" ||
		biz["FromUserId"] != user2 || biz["AppId"] != lifeApp || biz["MsgType"] != "event" {
		t.Errorf("biz_content %s (%v)", rc.got["biz_content"], err)
	}
	if !res.Acknowledged || !res.Ack.SignatureValid {
		t.Errorf("signed ack not recognised: %+v", res)
	}
	if st, _ := ts.State(lifeApp); !strings.Contains(strings.Join(st.Followers, ","), user2) {
		t.Error("follow notification should make the user a follower")
	}

	_, _ = ts.Notify(context.Background(), Notification{URL: srv.URL, Kind: NotifyUnfollow, AppID: lifeApp, User: user2, Format: "xml"})
	if !rc.verified || !strings.Contains(rc.got["biz_content"], "<EventType><![CDATA[unfollow]]></EventType>") {
		t.Errorf("xml unfollow: verified=%v %s", rc.verified, rc.got["biz_content"])
	}

	res, _ = ts.Notify(context.Background(), Notification{URL: srv.URL, Kind: NotifyVerifyGateway, AppID: lifeApp})
	if rc.got["service"] != "alipay.service.check" || !strings.Contains(rc.got["biz_content"], `"EventType":"verifygw"`) {
		t.Errorf("verifygw params %v", rc.got)
	}
	if !res.Acknowledged || !res.Ack.Success || !res.Ack.PublicKeyMatch {
		t.Errorf("verifygw reply not recognised: %+v", res.Ack)
	}

	// A reply signed with the wrong key is not an acknowledgement.
	rc.appKey = ts.App(miniApp).PrivateKey
	res, _ = ts.Notify(context.Background(), Notification{URL: srv.URL, Kind: NotifyVerifyGateway, AppID: lifeApp})
	if res.Acknowledged || res.Ack.SignatureValid || res.Ack.PublicKeyMatch {
		t.Errorf("wrongly signed reply accepted: %+v", res.Ack)
	}

	_, _ = ts.Notify(context.Background(), Notification{URL: srv.URL, Kind: NotifyFollow, AppID: lifeApp, User: user2, Tamper: true})
	if rc.verified {
		t.Error("tampered notification verified")
	}
}

func TestNotifyMessageService(t *testing.T) {
	ts := newSim(t)
	rc := &receiver{t: t, alipay: parsePub(t, ts.AlipayPublicKeyPEM()), replyText: "success"}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	n := Notification{URL: srv.URL, Kind: NotifyMessage, AppID: miniApp, MsgMethod: "alipay.merchant.tradecomplain.changed",
		BizContent: json.RawMessage(`{"complain_event_id":"2023","status":"MERCHANT_PROCESSING"}`), Params: map[string]string{"msg_type": "sys"}}
	res, err := ts.Notify(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if !rc.verified || rc.got["msg_method"] != n.MsgMethod || rc.got["app_id"] != miniApp || rc.got["msg_type"] != "sys" {
		t.Fatalf("receiver could not verify (sign and sign_type excluded, §3.1): %v", rc.got)
	}
	if rc.got["biz_content"] != string(n.BizContent) || rc.got["notify_id"] == "" || rc.got["utc_timestamp"] == "" {
		t.Errorf("params %v", rc.got)
	}
	if !res.Acknowledged || res.Ack != nil {
		t.Errorf("'success' not recognised: %+v", res)
	}
	rc.replyText = "success\n"
	if res, _ := ts.Notify(context.Background(), n); res.Acknowledged {
		t.Error(`only the exact 7 bytes "success" acknowledge`)
	}
}

func TestNotifyCertModeSignsWithCertKey(t *testing.T) {
	ts := newSim(t)
	_, _ = ts.RotateAlipayCert(false)
	rc := &receiver{t: t, alipay: parsePub(t, ts.AlipayCertPEM()), replyText: "success"}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	_, err := ts.Notify(context.Background(), Notification{URL: srv.URL, Kind: NotifyMessage, AppID: certApp,
		MsgMethod: "m", BizContent: json.RawMessage(`"plain text"`)})
	if err != nil || !rc.verified || rc.got["biz_content"] != "plain text" {
		t.Errorf("cert-mode notification: %v verified=%v %v", err, rc.verified, rc.got)
	}
}

func TestNotifyErrors(t *testing.T) {
	ts := newSim(t)
	for _, n := range []Notification{
		{URL: "ftp://x", Kind: NotifyFollow, AppID: lifeApp, User: user1},
		{URL: "http://127.0.0.1:1", Kind: NotifyFollow, AppID: "nope", User: user1},
		{URL: "http://127.0.0.1:1", Kind: NotifyFollow, AppID: miniApp, User: user1},
		{URL: "http://127.0.0.1:1", Kind: NotifyFollow, AppID: lifeApp},
		{URL: "http://127.0.0.1:1", Kind: "ping", AppID: lifeApp},
		{URL: "http://127.0.0.1:1", Kind: NotifyMessage, AppID: lifeApp},
		{URL: "http://127.0.0.1:1", Kind: NotifyMessage, AppID: plusApp, MsgMethod: "m", BizContent: json.RawMessage(`{}`)},
	} {
		if _, err := ts.Notify(context.Background(), n); err == nil {
			t.Errorf("Notify(%+v) accepted", n)
		}
	}
}
