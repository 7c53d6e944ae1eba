package gateway

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/reachhq/reach/clients/signer"
)

// SignGatewayCheckResponse answers alipay.service.check (EventType verifygw,
// §3.2) with the signed XML envelope
//
//	<?xml version="1.0" encoding="GBK"?><alipay><response>RESP</response><sign>SIG</sign><sign_type>RSA2</sign_type></alipay>
//
// where RESP is <success>true</success><biz_content>KEY</biz_content> (or
// <success>false</success><error_code>VERIFY_FAILED</error_code><biz_content>KEY</biz_content>
// when ok is false) and SIG is the app key's signature over RESP exactly.
// KEY is the app public key as base64 X.509; empty means s.Public().
func SignGatewayCheckResponse(ctx context.Context, s signer.Signer, merchantPublicKeyBase64 string, ok bool) (string, error) {
	if s == nil || s.Public() == nil {
		return "", errors.New("gateway check response: no signer")
	}
	key := merchantPublicKeyBase64
	if key == "" {
		der, err := x509.MarshalPKIXPublicKey(s.Public())
		if err != nil {
			return "", fmt.Errorf("gateway check response: %w", err)
		}
		key = base64.StdEncoding.EncodeToString(der)
	}
	if _, err := base64.StdEncoding.DecodeString(key); err != nil || strings.ContainsAny(key, "\r\n") {
		// Also keeps PEM armour and line breaks (which the decoder skips)
		// out of the XML.
		return "", errors.New("gateway check response: merchant public key must be one line of standard base64")
	}
	resp := "<success>true</success><biz_content>" + key + "</biz_content>"
	if !ok {
		resp = "<success>false</success><error_code>VERIFY_FAILED</error_code><biz_content>" + key + "</biz_content>"
	}
	return signedEnvelope(ctx, s, resp)
}

// SignAck builds the synchronous acknowledgement of a life account push
// (follow, unfollow, …), wrapped and signed like SignGatewayCheckResponse
// (§3.2; demo AlipayMsgBuildUtil.buildBaseAckMsg):
//
//	<XML><ToUserId><![CDATA[USER]]></ToUserId><AppId><![CDATA[APP]]></AppId><CreateTime>MS</CreateTime><MsgType><![CDATA[ack]]></MsgType></XML>
func SignAck(ctx context.Context, s signer.Signer, appID, toUserID string, createTime time.Time) (string, error) {
	for _, v := range []string{appID, toUserID} {
		if !cdataSafe(v) {
			return "", fmt.Errorf("ack: id %q must be printable ASCII without \"]]>\"", v)
		}
	}
	ack := "<XML><ToUserId><![CDATA[" + toUserID + "]]></ToUserId><AppId><![CDATA[" + appID + "]]></AppId>" +
		"<CreateTime>" + strconv.FormatInt(createTime.UnixMilli(), 10) + "</CreateTime>" +
		"<MsgType><![CDATA[ack]]></MsgType></XML>"
	return signedEnvelope(ctx, s, ack)
}

// signedEnvelope wraps resp as the demos' AlipaySignature.encryptAndSign
// does (no encryption). resp is ASCII, so its GBK bytes (the declared
// encoding) are the bytes signed.
func signedEnvelope(ctx context.Context, s signer.Signer, resp string) (string, error) {
	if s == nil {
		return "", errors.New("sign reply: no signer")
	}
	sig, err := s.Sign(ctx, []byte(resp))
	if err != nil {
		return "", fmt.Errorf("sign reply: %w", err)
	}
	return `<?xml version="1.0" encoding="GBK"?><alipay><response>` + resp + "</response><sign>" +
		base64.StdEncoding.EncodeToString(sig) + "</sign><sign_type>RSA2</sign_type></alipay>", nil
}

// cdataSafe reports a non-empty id that is printable ASCII and cannot close
// a CDATA section.
func cdataSafe(s string) bool {
	if s == "" || strings.Contains(s, "]]>") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
