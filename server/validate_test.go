package server

import (
	"net/url"
	"path/filepath"
	"testing"

	"google.golang.org/grpc/codes"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store/storetest"
)

// TestUndefinedEnumsRefused: an enum number the schema does not define is INVALID_ARGUMENT
// naming the field, on every RPC and both transports (finding 5 of issue 7: "subscriptionType":
// 99 or -1 stored a mini program template without a subscription type).
func TestUndefinedEnumsRefused(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("mini", miniChannel(t))
	for _, n := range []int32{99, -1} {
		tpl := oneTime("ext-enum")
		tpl.SubscriptionType = reachv1.SubscriptionType(n)
		e.runBoth(e.createTemplateCase("CreateTemplate with subscription_type "+itoa(int(n)), "mini", "t", tpl, nil, codes.InvalidArgument, "template.subscription_type"))

		imp := &reachv1.ImportTemplateRequest{Parent: "channels/mini", ExternalId: "ext-imp", Content: "keyword1: 金额", SubscriptionType: reachv1.SubscriptionType(n)}
		e.runBoth(transportCase{name: "ImportTemplate with subscription_type " + itoa(int(n)), token: e.admin(), grpcMethod: mImportTemplate,
			grpcReq: imp, grpcResp: &reachv1.ImportTemplateResponse{}, httpMethod: "POST", httpPath: "/v1/channels/mini/templates:import",
			httpBody: imp, want: codes.InvalidArgument, fields: []string{"subscription_type"}, msg: "is not a value of SubscriptionType"})

		ch := miniChannel(t)
		ch.Type = reachv1.ChannelType(n)
		e.runBoth(e.createChannelCase("CreateChannel with type "+itoa(int(n)), "", ch, codes.InvalidArgument, "channel.type"))
	}
	var list reachv1.ListTemplatesResponse
	e.must(mListTemplates, &reachv1.ListTemplatesRequest{Parent: "channels/mini"}, &list)
	if len(list.Templates) != 0 {
		t.Errorf("refused requests stored templates: %v", list.Templates)
	}
}

// TestControlCharactersRefused: NUL and the other control characters (not tab, line feed,
// carriage return) are INVALID_ARGUMENT naming the field on every database, and a bad
// filter value names filter, not page_token (finding 7 of issue 7: SQLite stored NUL,
// PostgreSQL refused it with a 400 naming no field, or naming page_token for a filter).
func TestControlCharactersRefused(t *testing.T) {
	dbs := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "reach.db") },
		"postgres": func(t *testing.T) string { return storetest.SharedDatabase(t, "postgres") },
		"mysql":    func(t *testing.T) string { return storetest.SharedDatabase(t, "mysql") },
	}
	for _, kind := range []string{"sqlite", "postgres", "mysql"} {
		t.Run(kind, func(t *testing.T) {
			e := startTestEnv(t, dbs[kind](t))
			e.createChannel("mini", miniChannel(t))
			e.oneTimeTemplate("mini", "order", "ext-order")

			for _, c := range []struct{ name, value string }{{"NUL", "a\x00b"}, {"escape", "a\x1bb"}, {"DEL", "a\x7fb"}, {"bell", "\a"}} {
				ch := miniChannel(t)
				ch.DisplayName = c.value
				e.runBoth(e.createChannelCase("display_name with "+c.name, "", ch, codes.InvalidArgument, "channel.display_name"))
			}
			tpl := oneTime("ext-nul", kws("keyword1", "订\x00单", "keyword2", "快递")...)
			e.runBoth(e.createTemplateCase("keyword label with NUL", "mini", "nul", tpl, nil, codes.InvalidArgument, "template.keywords[0].label"))

			send := miniSend("mini", "order", "req-nul", uid("2088000000000001"))
			send.Data = map[string]string{"keyword1": "1001\x00", "keyword2": "SF"}
			e.runBoth(e.sendCase("message data with NUL", send, nil, codes.InvalidArgument, "data[keyword1]"))
			send = miniSend("mini", "order", "req-nul-key", uid("2088000000000001"))
			send.Data = map[string]string{"key\x00word1": "1001", "keyword2": "SF"}
			e.runBoth(e.sendCase("message data key with NUL", send, nil, codes.InvalidArgument, "data"))
			send = miniSend("mini", "order", "req-tabs", uid("2088000000000001"))
			send.Data = map[string]string{"keyword1": "10\t01", "keyword2": "S\r\nF"}
			e.runBoth(e.sendCase("tab and line breaks are text", send, nil, codes.OK))

			list := func(name, filter, token string, want codes.Code, fields ...string) transportCase {
				q := url.Values{}
				if filter != "" {
					q.Set("filter", filter)
				}
				if token != "" {
					q.Set("pageToken", token)
				}
				return transportCase{name: name, token: e.admin(), grpcMethod: mListMessages,
					grpcReq: &reachv1.ListMessagesRequest{Filter: filter, PageToken: token}, grpcResp: &reachv1.ListMessagesResponse{},
					httpMethod: "GET", httpPath: "/v1/messages?" + q.Encode(), want: want, fields: fields}
			}
			e.runBoth(list("NUL in a filter value", "user_id = \"a\x00b\"", "", codes.InvalidArgument, "filter"))
			e.runBoth(list("escaped NUL in a filter value", `user_id = "a\x00b"`, "", codes.InvalidArgument, "filter"))
			e.runBoth(list("escaped control character in a filter value", `request_id = "a\x01"`, "", codes.InvalidArgument, "filter"))
			e.runBoth(list("NUL in a bare filter value", "user_id = a\x00b", "", codes.InvalidArgument, "filter"))
			e.runBoth(list("a plain filter value", `user_id = "2088000000000001"`, "", codes.OK))
			e.runBoth(list("not a page token", "", "!not-base64!", codes.InvalidArgument, "page_token"))
		})
	}
}
