package gateway

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Life account event types (§3.2).
const (
	EventFollow   = "follow"
	EventUnfollow = "unfollow"
	EventClick    = "click"
	EventEnter    = "enter"
	EventVerifyGW = "verifygw"
)

// LifeAccountEvent is the biz_content of alipay.mobile.public.message.notify
// and alipay.service.check (§3.2). Unknown event types are kept as sent.
type LifeAccountEvent struct {
	AppID            string
	FromUserID       string // user id (2088…)
	FromAlipayUserID string // newer payloads only
	CreateTime       time.Time
	MsgType          string // "event", or "text" for a chat message
	EventType        string // follow, unfollow, click, enter, verifygw
	ActionParam      string // the menu key of a click
	AgreementID      string
	AccountNo        string
	UserInfo         *LifeAccountUser // nil when absent or unreadable
	Text             string           // Text.Content of a chat message
}

// LifeAccountUser is the UserInfo of a follow event.
type LifeAccountUser struct {
	LogonID  string `json:"logon_id"`
	UserName string `json:"user_name"`
}

// eventFields are the biz_content fields in either encoding: the 2014 guide
// sends XML (<XML><AppId><![CDATA[…]]></AppId>…), later payloads JSON with
// the same names (§3.2).
type eventFields struct {
	AppID            flexString      `xml:"AppId" json:"AppId"`
	FromUserID       flexString      `xml:"FromUserId" json:"FromUserId"`
	FromAlipayUserID flexString      `xml:"FromAlipayUserId" json:"FromAlipayUserId"`
	CreateTime       flexString      `xml:"CreateTime" json:"CreateTime"`
	MsgType          flexString      `xml:"MsgType" json:"MsgType"`
	EventType        flexString      `xml:"EventType" json:"EventType"`
	ActionParam      flexString      `xml:"ActionParam" json:"ActionParam"`
	AgreementID      flexString      `xml:"AgreementId" json:"AgreementId"`
	AccountNo        flexString      `xml:"AccountNo" json:"AccountNo"`
	UserInfo         json.RawMessage `xml:"-" json:"UserInfo"`
	UserInfoXML      string          `xml:"UserInfo" json:"-"`
	Text             textField       `xml:"Text" json:"Text"`
}

// textField is Text: {"Content": "…"} (demo InAlipayChatTextExecutor), or a
// bare string.
type textField struct {
	Content flexString `xml:"Content" json:"Content"`
}

func (t *textField) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		type plain textField
		return json.Unmarshal(b, (*plain)(t))
	}
	return t.Content.UnmarshalJSON(b)
}

// ParseLifeAccountEvent reads a life account biz_content, XML or JSON. It
// accepts text already transcoded to UTF-8 (whatever encoding the XML
// declaration names) and raw GBK bytes, as net/http leaves them.
func ParseLifeAccountEvent(bizContent string) (*LifeAccountEvent, error) {
	s := strings.TrimSpace(strings.TrimPrefix(toUTF8(bizContent), "\ufeff"))
	var f eventFields
	switch {
	case strings.HasPrefix(s, "<"):
		dec := xml.NewDecoder(strings.NewReader(s))
		// s is UTF-8 by now, so the declared encoding (GBK) is history.
		dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("parse life account event: %w", err)
		}
		if f.UserInfoXML != "" {
			f.UserInfo = json.RawMessage(f.UserInfoXML)
		}
	case strings.HasPrefix(s, "{"):
		if err := json.Unmarshal([]byte(s), &f); err != nil {
			return nil, fmt.Errorf("parse life account event: %w", err)
		}
	default:
		return nil, errors.New("parse life account event: biz_content is neither XML nor JSON")
	}
	if f.MsgType == "" && f.EventType == "" {
		return nil, errors.New("parse life account event: no MsgType or EventType")
	}
	return &LifeAccountEvent{
		AppID:            string(f.AppID),
		FromUserID:       string(f.FromUserID),
		FromAlipayUserID: string(f.FromAlipayUserID),
		CreateTime:       epochMillis(string(f.CreateTime)),
		MsgType:          string(f.MsgType),
		EventType:        string(f.EventType),
		ActionParam:      string(f.ActionParam),
		AgreementID:      string(f.AgreementID),
		AccountNo:        string(f.AccountNo),
		UserInfo:         userInfo(f.UserInfo),
		Text:             string(f.Text.Content),
	}, nil
}

// epochMillis reads CreateTime; an unreadable one gives the zero time rather
// than losing the event.
func epochMillis(s string) time.Time {
	ms, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// userInfo reads UserInfo given as an object or as a string holding one.
func userInfo(raw json.RawMessage) *LifeAccountUser {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	var u LifeAccountUser
	if len(raw) == 0 || json.Unmarshal(raw, &u) != nil || u == (LifeAccountUser{}) {
		return nil
	}
	return &u
}
