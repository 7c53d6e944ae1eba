package gateway

import (
	"strings"
	"testing"
	"time"
)

func TestParseLifeAccountEvent(t *testing.T) {
	xmlFollow := readTestdata(t, "lifeaccount_biz.txt")
	created := time.UnixMilli(1714536000000)
	follow := LifeAccountEvent{
		AppID: "2021000000000001", FromUserID: "2088102122458832", CreateTime: created,
		MsgType: "event", EventType: EventFollow, UserInfo: &LifeAccountUser{LogonID: "138****0000", UserName: "张三"},
	}
	tests := []struct {
		name string
		in   string
		want LifeAccountEvent
	}{
		{"2014 XML, transcoded to UTF-8", xmlFollow, follow},
		{"2014 XML, raw GBK bytes", gbk(t, xmlFollow), follow},
		{"XML without declaration", strings.TrimPrefix(xmlFollow, `<?xml version="1.0" encoding="GBK"?>`), follow},
		{"JSON, UserInfo as a string", `{"AppId":"2021000000000001","FromUserId":"2088102122458832","CreateTime":"1714536000000",` +
			`"MsgType":"event","EventType":"follow","UserInfo":"{\"logon_id\":\"138****0000\",\"user_name\":\"张三\"}"}`, follow},
		{"JSON, numbers and UserInfo object", `{"AppId":2021000000000001,"FromUserId":"2088102122458832","CreateTime":1714536000000,` +
			`"MsgType":"event","EventType":"follow","UserInfo":{"logon_id":"138****0000","user_name":"张三"}}`, follow},
		{"JSON, raw GBK bytes", gbk(t, `{"AppId":"2021000000000001","FromUserId":"2088102122458832","CreateTime":"1714536000000",`+
			`"MsgType":"event","EventType":"follow","UserInfo":{"logon_id":"138****0000","user_name":"张三"}}`), follow},
		{"newer JSON with FromAlipayUserId, click", `{"AppId":"2021","FromUserId":"0a1B","FromAlipayUserId":"2088","MsgType":"event",` +
			`"EventType":"click","ActionParam":"menu_1","AgreementId":"A1","AccountNo":"N1"}`,
			LifeAccountEvent{AppID: "2021", FromUserID: "0a1B", FromAlipayUserID: "2088", MsgType: "event", EventType: EventClick,
				ActionParam: "menu_1", AgreementID: "A1", AccountNo: "N1"}},
		{"verifygw", `<XML><AppId><![CDATA[2021]]></AppId><CreateTime>x</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
			`<EventType><![CDATA[verifygw]]></EventType></XML>`,
			LifeAccountEvent{AppID: "2021", MsgType: "event", EventType: EventVerifyGW}},
		{"text chat, XML", `<XML><FromUserId>2088</FromUserId><MsgType>text</MsgType><Text><Content><![CDATA[你好]]></Content></Text></XML>`,
			LifeAccountEvent{FromUserID: "2088", MsgType: "text", Text: "你好"}},
		{"text chat, JSON", "\ufeff" + `{"FromUserId":"2088","MsgType":"text","Text":{"Content":"你好"}}`,
			LifeAccountEvent{FromUserID: "2088", MsgType: "text", Text: "你好"}},
		{"unreadable UserInfo is dropped", `{"MsgType":"event","EventType":"unfollow","UserInfo":"not json"}`,
			LifeAccountEvent{MsgType: "event", EventType: EventUnfollow}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLifeAccountEvent(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !sameEvent(*got, tt.want) {
				t.Errorf("got  %+v %+v\nwant %+v %+v", *got, got.UserInfo, tt.want, tt.want.UserInfo)
			}
		})
	}
}

func sameEvent(a, b LifeAccountEvent) bool {
	ua, ub := a.UserInfo, b.UserInfo
	a.UserInfo, b.UserInfo = nil, nil
	if !a.CreateTime.Equal(b.CreateTime) {
		return false
	}
	a.CreateTime, b.CreateTime = time.Time{}, time.Time{}
	return a == b && (ua == nil) == (ub == nil) && (ua == nil || *ua == *ub)
}

func TestParseLifeAccountEventErrors(t *testing.T) {
	for _, in := range []string{"", "   ", "follow", "<XML><MsgType>event", `{"MsgType":`, `{}`, `<XML></XML>`, `{"MsgType":{"a":1}}`} {
		if ev, err := ParseLifeAccountEvent(in); err == nil {
			t.Errorf("ParseLifeAccountEvent(%q) = %+v", in, ev)
		}
	}
}
