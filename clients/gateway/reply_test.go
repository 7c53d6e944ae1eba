package gateway

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/signer"
)

const envelopeHead = `<?xml version="1.0" encoding="GBK"?><alipay><response>`

// The §3.2 verifygw answer, byte for byte, with openssl's signature.
func TestSignGatewayCheckResponseVector(t *testing.T) {
	s := signer.NewRSA(keys(t).app)
	key := readTestdata(t, "app_pub.b64")
	want := envelopeHead + "<success>true</success><biz_content>" + key + "</biz_content></response><sign>" +
		readTestdata(t, "gwcheck_sig.txt") + "</sign><sign_type>RSA2</sign_type></alipay>"
	for _, k := range []string{key, ""} { // "" derives the key from the signer
		got, err := SignGatewayCheckResponse(context.Background(), s, k, true)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("key %q:\n got %s\nwant %s", k, got, want)
		}
	}
}

func TestSignGatewayCheckResponseFailure(t *testing.T) {
	s := signer.NewRSA(keys(t).app)
	got, err := SignGatewayCheckResponse(context.Background(), s, "", false)
	if err != nil {
		t.Fatal(err)
	}
	resp := between(got, "<response>", "</response>")
	if !strings.HasPrefix(resp, "<success>false</success><error_code>VERIFY_FAILED</error_code><biz_content>") {
		t.Errorf("response = %s", resp)
	}
	sig, _ := base64.StdEncoding.DecodeString(between(got, "<sign>", "</sign>"))
	if err := signer.Verify(s.Public(), []byte(resp), sig); err != nil {
		t.Errorf("signature over RESP: %v", err)
	}
	for _, bad := range []string{"-----BEGIN PUBLIC KEY-----", "MIIB\nIjAN", "<x/>"} {
		if _, err := SignGatewayCheckResponse(context.Background(), s, bad, true); err == nil {
			t.Errorf("accepted key %q", bad)
		}
	}
	if _, err := SignGatewayCheckResponse(context.Background(), nil, "", true); err == nil {
		t.Error("nil signer accepted")
	}
}

func TestSignAckVector(t *testing.T) {
	s := signer.NewRSA(keys(t).app)
	got, err := SignAck(context.Background(), s, "2021000000000001", "2088102122458832", time.UnixMilli(1714536000000))
	if err != nil {
		t.Fatal(err)
	}
	want := envelopeHead + "<XML><ToUserId><![CDATA[2088102122458832]]></ToUserId><AppId><![CDATA[2021000000000001]]></AppId>" +
		"<CreateTime>1714536000000</CreateTime><MsgType><![CDATA[ack]]></MsgType></XML></response><sign>" +
		readTestdata(t, "ack_sig.txt") + "</sign><sign_type>RSA2</sign_type></alipay>"
	if got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
	for _, id := range []string{"", "a]]>b", "with space", "张三"} {
		if _, err := SignAck(context.Background(), s, "2021", id, time.Now()); err == nil {
			t.Errorf("accepted user id %q", id)
		}
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	j := strings.Index(s, to)
	if i < 0 || j < i {
		return ""
	}
	return s[i+len(from) : j]
}
