package alipaysim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Notification kinds.
const (
	NotifyFollow        = "follow"   // §3.2 alipay.mobile.public.message.notify, EventType=follow
	NotifyUnfollow      = "unfollow" // same, EventType=unfollow
	NotifyVerifyGateway = "verifygw" // §3.2 alipay.service.check, EventType=verifygw
	NotifyMessage       = "message"  // §3.1 open-platform message service (msg_method=…)
)

// Notification is an asynchronous notification to send to an application gateway.
type Notification struct {
	URL   string `json:"url"`
	Kind  string `json:"kind"`
	AppID string `json:"app_id"`
	// User is FromUserId of Life Account events.
	User string `json:"user,omitempty"`
	// Format of a Life Account biz_content: "json" (default, newer payloads) or "xml"
	// (the 2014 guide).
	Format string `json:"format,omitempty"`
	// MsgMethod and BizContent (a JSON object, or a JSON string holding the text) make
	// a message-service notification.
	MsgMethod  string          `json:"msg_method,omitempty"`
	BizContent json.RawMessage `json:"biz_content,omitempty"`
	// Params are added to (or override) the generated parameters before signing.
	Params map[string]string `json:"params,omitempty"`
	// Tamper sends a wrong signature, to check the receiver rejects it.
	Tamper bool `json:"tamper,omitempty"`
}

// NotifyResult is what the application gateway answered.
type NotifyResult struct {
	Params map[string]string `json:"params"` // what was sent, sign included
	Status int               `json:"status"`
	Body   string            `json:"body"`
	// Acknowledged: HTTP 200 and the body the kind expects — exactly "success" for a
	// message (§3.1), a correctly signed <alipay> envelope for Life Account events, with
	// <success>true</success> for verifygw (§3.2).
	Acknowledged bool `json:"acknowledged"`
	// Ack describes a Life Account reply envelope; nil for message notifications.
	Ack *AckCheck `json:"ack,omitempty"`
}

// Notify sends n, signed with the Alipay key (the current cert's key for a
// certificate-mode app), and reports the answer. Follow and unfollow also change the
// follower state, since the event follows the user's action.
func (s *Server) Notify(ctx context.Context, n Notification) (*NotifyResult, error) {
	if _, err := url.ParseRequestURI(n.URL); err != nil || !strings.HasPrefix(n.URL, "http") {
		return nil, errInvalid("url must be an http(s) URL")
	}
	a := s.byID[n.AppID]
	if a == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownApp, n.AppID)
	}
	params, signed, err := s.notifyParams(a, n)
	if err != nil {
		return nil, err
	}
	for k, v := range n.Params {
		params[k] = v
	}
	content := notifyContent(params, signed)
	sg, _ := s.answerSigner(a)
	if n.Tamper {
		content += "tampered"
	}
	params["sign"] = sg.sign([]byte(content))
	switch n.Kind {
	case NotifyFollow:
		_ = s.Follow(a.id, n.User)
	case NotifyUnfollow:
		_ = s.Unfollow(a.id, n.User)
	}
	return s.post(ctx, a, n, params)
}

// notifyContent is the string-to-sign: §3.2 drops only sign (lifeAccount=true), §3.1
// drops sign and sign_type.
func notifyContent(p map[string]string, lifeAccount bool) string {
	q := make(map[string]string, len(p))
	for k, v := range p {
		if k != "sign_type" || lifeAccount {
			q[k] = v
		}
	}
	return signContent(q)
}

func (s *Server) notifyParams(a *app, n Notification) (params map[string]string, lifeAccount bool, err error) {
	now := strconv.FormatInt(s.now().UnixMilli(), 10)
	switch n.Kind {
	case NotifyFollow, NotifyUnfollow, NotifyVerifyGateway:
		if a.product != LifeAccount {
			return nil, false, fmt.Errorf("%w: %s notifications are for life_account apps", ErrWrongProduct, n.Kind)
		}
		if n.User == "" && n.Kind != NotifyVerifyGateway {
			return nil, false, errInvalid("user is required")
		}
		service := "alipay.mobile.public.message.notify"
		if n.Kind == NotifyVerifyGateway {
			service = "alipay.service.check"
		}
		biz := lifeEvent(a.id, n.User, n.Kind, now, n.Format == "xml")
		return map[string]string{"service": service, "biz_content": biz, "sign_type": "RSA2", "charset": "UTF-8"}, true, nil
	case NotifyMessage:
		if a.product == AlipayPlus {
			return nil, false, fmt.Errorf("%w: message notifications are for Open Platform apps", ErrWrongProduct)
		}
		if n.MsgMethod == "" || len(n.BizContent) == 0 {
			return nil, false, errInvalid("msg_method and biz_content are required")
		}
		biz := string(n.BizContent)
		var text string
		if json.Unmarshal(n.BizContent, &text) == nil {
			biz = text
		}
		return map[string]string{"notify_id": randomHex(16), "utc_timestamp": now, "msg_method": n.MsgMethod,
			"app_id": a.id, "version": "1.1", "biz_content": biz, "charset": "UTF-8", "sign_type": "RSA2"}, false, nil
	}
	return nil, false, errInvalid("kind must be follow, unfollow, verifygw or message")
}

// lifeEvent is the biz_content of a Life Account event (§3.2) as JSON or as the XML of
// the 2014 guide, with the same keys.
func lifeEvent(appID, user, event, createTime string, xml bool) string {
	fields := obj{{"AppId", appID}, {"FromUserId", user}, {"FromAlipayUserId", user}, {"CreateTime", createTime},
		{"MsgType", "event"}, {"EventType", event}, {"ActionParam", ""}, {"AgreementId", ""}, {"AccountNo", ""}}
	if event != NotifyVerifyGateway {
		fields = append(fields, field{"UserInfo", `{"logon_id":"sim***@example.invalid","user_name":"*模拟"}`})
	}
	if !xml {
		return string(mustJSON(fields))
	}
	var b strings.Builder
	b.WriteString("<XML>")
	for _, f := range fields {
		fmt.Fprintf(&b, "<%s><![CDATA[%s]]></%s>", f.k, f.v, f.k)
	}
	b.WriteString("</XML>")
	return b.String()
}
