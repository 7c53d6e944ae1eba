package server

import (
	"regexp"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

const claimAPI = "alipay.open.public.template.message.add"

// claimCase is ClaimTemplate of req over gRPC and of req with template_id httpID over HTTP.
func (e *testEnv) claimCase(name string, req *reachv1.ClaimTemplateRequest, httpID string, want codes.Code, fields ...string) transportCase {
	h := proto.Clone(req).(*reachv1.ClaimTemplateRequest)
	h.TemplateId = httpID
	return transportCase{name: name, token: e.admin(), grpcMethod: mClaimTemplate, grpcReq: req, grpcResp: &reachv1.ClaimTemplateResponse{},
		httpMethod: "POST", httpPath: "/v1/" + req.Parent + "/templates:claim", httpBody: h, want: want, fields: fields}
}

// simLife creates a Life Account channel id on the simulator and checks it is ENABLED.
func (e *testEnv) simLife(ts *alipaysim.TestServer, id string) {
	e.t.Helper()
	if ch := e.createChannel(id, simLifeChannel(ts)); ch.State != reachv1.ChannelState_CHANNEL_STATE_ENABLED {
		e.t.Fatalf("channel %s: %v %q", id, ch.State, ch.StateReason)
	}
}

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// TestClaimTemplateWithSimulator: a claim stores the template Alipay created: Alipay's
// template id as external_id, keywords read from the returned template JSON in the
// requested order, the title, and the optional lines.
func TestClaimTemplateWithSimulator(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simLife(ts, "life")

	req := &reachv1.ClaimTemplateRequest{Parent: "channels/life", TemplateId: "trade-g", LibCode: simLibCode,
		Keywords: []string{"交易金额", "交易笔数", "消息时间"}, FirstEnabled: true, RemarkEnabled: true}
	c := e.claimCase("claim", req, "trade-h", codes.OK)
	check := func(tr, wantName string, got *reachv1.Template) {
		t.Helper()
		la := got.GetLifeAccount()
		var keys, labels []string
		for _, k := range got.Keywords {
			keys, labels = append(keys, k.Key), append(labels, k.Label)
		}
		if got.Name != wantName || !hex32.MatchString(got.ExternalId) || got.DisplayName != "交易确认" ||
			!slices.Equal(keys, []string{"keyword1", "keyword2", "keyword3"}) || !slices.Equal(labels, []string{"交易金额", "交易笔数", "消息时间"}) ||
			la.GetTitle() != "交易确认" || !la.GetFirstEnabled() || !la.GetRemarkEnabled() ||
			got.State != reachv1.TemplateState_TEMPLATE_STATE_ACTIVE || got.SubscriptionType != reachv1.SubscriptionType_SUBSCRIPTION_TYPE_UNSPECIFIED {
			t.Errorf("claimed over %s: %v", tr, got)
		}
		// The external id is the template Alipay created for this app.
		if recs := ts.Requests(alipaysim.RequestFilter{API: claimAPI, TemplateID: got.ExternalId}); len(recs) != 1 {
			t.Errorf("claimed over %s: external id %s matches %d claims at the simulator", tr, got.ExternalId, len(recs))
		}
	}
	c.grpcCheck = func() {
		check("gRPC", "channels/life/templates/trade-g", c.grpcResp.(*reachv1.ClaimTemplateResponse).Template)
	}
	c.httpCheck = func(body map[string]any) {
		got := &reachv1.Template{}
		remarshal(t, body["template"], got)
		check("HTTP", "channels/life/templates/trade-h", got)
	}
	e.runBoth(c)
	// Two claims, two Alipay templates; the stored templates are the same as returned.
	g, h := &reachv1.GetTemplateResponse{}, &reachv1.GetTemplateResponse{}
	e.must(mGetTemplate, &reachv1.GetTemplateRequest{Name: "channels/life/templates/trade-g"}, g)
	e.must(mGetTemplate, &reachv1.GetTemplateRequest{Name: "channels/life/templates/trade-h"}, h)
	check("GetTemplate", "channels/life/templates/trade-g", g.Template)
	if g.Template.ExternalId == h.Template.ExternalId {
		t.Errorf("both claims stored external id %s", g.Template.ExternalId)
	}
	// The request Alipay got: the keywords in order and the opted-in lines.
	recs := ts.Requests(alipaysim.RequestFilter{API: claimAPI, AppID: simLifeApp})
	if len(recs) != 2 || string(recs[0].Content) != `{"keyword_list":[{"name":"交易金额"},{"name":"交易笔数"},{"name":"消息时间"}],"lib_code":"`+simLibCode+`","opt_list":[{"name":"first"},{"name":"remark"}]}` {
		t.Errorf("claims at the simulator: %d, first %s", len(recs), recs[0].Content)
	}

	// A display name wins over the title; without options the lines are off; a generated id.
	plain := &reachv1.ClaimTemplateRequest{Parent: "channels/life", LibCode: simLibCode, Keywords: []string{"交易地点", "交易类型"}, DisplayName: "Where"}
	got := &reachv1.ClaimTemplateResponse{}
	e.must(mClaimTemplate, plain, got)
	if tp := got.Template; tp.DisplayName != "Where" || tp.GetLifeAccount().GetFirstEnabled() || tp.GetLifeAccount().GetRemarkEnabled() ||
		len(tp.Keywords) != 2 || tp.Keywords[0].Label != "交易地点" || tp.Keywords[1].Key != "keyword2" || len(tp.Name) <= len("channels/life/templates/") {
		t.Errorf("plain claim: %v", tp)
	}
}

// TestClaimTemplateErrors: Alipay's refusals map to gRPC codes with ErrorInfo carrying
// Alipay's code and sub_code; invalid requests are refused before Alipay is called.
func TestClaimTemplateErrors(t *testing.T) {
	ts := newSim(t, func(c *alipaysim.Config) { c.MaxTemplates = 3 }) // LT1 is already there
	e := newTestEnv(t)
	e.simLife(ts, "life")
	mini := e.createChannel("mini", simMiniChannel(ts))
	if mini.State != reachv1.ChannelState_CHANNEL_STATE_ENABLED {
		t.Fatalf("mini: %v", mini.State)
	}
	req := func(lib string, keywords ...string) *reachv1.ClaimTemplateRequest {
		return &reachv1.ClaimTemplateRequest{Parent: "channels/life", LibCode: lib, Keywords: keywords}
	}
	alipayErr := func(name string, r *reachv1.ClaimTemplateRequest, want codes.Code, reason string, kv ...string) {
		t.Helper()
		e.runBoth(e.claimCase(name, r, "", want))
		err := e.call(e.admin(), mClaimTemplate, r, &reachv1.ClaimTemplateResponse{})
		reqJSON, _ := protojsonString(r)
		_, body := e.httpCall(e.admin(), "POST", "/v1/channels/life/templates:claim", reqJSON)
		wantAlipayError(t, name, err, body, reason, kv...)
	}
	// Other 40004 answers are bad request data in the taxonomy (issue 3): INVALID_ARGUMENT,
	// with Alipay's own code in the ErrorInfo.
	alipayErr("unknown lib_code", req("TMnope", "交易笔数", "交易金额"), codes.InvalidArgument, "ALIPAY_BAD_REQUEST",
		"code", "40004", "sub_code", "TEMPLATE_LIB_NOT_EXIST", "msg", "Business Failed")
	alipayErr("keyword not in the library", req(simLibCode, "交易笔数", "天气"), codes.InvalidArgument, "ALIPAY_BAD_REQUEST",
		"code", "40004", "sub_code", "TEMPLATE_KEYWORD_NOT_EXIST")
	id, err := ts.AddFault(alipaysim.Fault{Kind: alipaysim.FaultRateLimit, API: claimAPI})
	if err != nil {
		t.Fatal(err)
	}
	alipayErr("Alipay throttles", req(simLibCode, "交易笔数", "交易金额"), codes.ResourceExhausted, "ALIPAY_RATE_LIMITED",
		"code", "40005", "sub_code", "aop.call-limited")
	ts.RemoveFault(id)
	if _, err := ts.AddFault(alipaysim.Fault{Kind: alipaysim.FaultUnknownError, API: claimAPI, Count: 4}); err != nil {
		t.Fatal(err)
	}
	alipayErr("Alipay fails", req(simLibCode, "交易笔数", "交易金额"), codes.Unavailable, "ALIPAY_RETRYABLE",
		"code", "20000", "sub_code", "isp.unknow-error")
	// Two claims fill the app's quota of 3; the next one is refused with Alipay's code.
	for i := 0; i < 2; i++ {
		e.must(mClaimTemplate, req(simLibCode, "交易笔数", "交易金额"), &reachv1.ClaimTemplateResponse{})
	}
	alipayErr("over the limit", req(simLibCode, "交易笔数", "交易金额"), codes.InvalidArgument, "ALIPAY_BAD_REQUEST",
		"code", "40004", "sub_code", "TEMPLATE_OVER_LIMIT")
	tpls := &reachv1.ListTemplatesResponse{}
	e.must(mListTemplates, &reachv1.ListTemplatesRequest{Parent: "channels/life"}, tpls)
	if len(tpls.Templates) != 2 {
		t.Errorf("%d templates stored, want the 2 claimed", len(tpls.Templates))
	}

	// Refused before Alipay is called: the simulator sees nothing.
	stats := ts.Stats()
	six := req(simLibCode, simLibKeywords...)
	e.runBoth(e.claimCase("six keywords", six, "", codes.InvalidArgument, "keywords"))
	e.runBoth(e.claimCase("repeated keyword", req(simLibCode, "交易笔数", "交易笔数"), "", codes.InvalidArgument, "keywords[1]"))
	e.runBoth(e.claimCase("keyword over 10 characters", req(simLibCode, "交易笔数", "一二三四五六七八九十一"), "", codes.InvalidArgument, "keywords[1]"))
	e.runBoth(e.claimCase("no lib_code", req("", "交易笔数", "交易金额"), "", codes.InvalidArgument, "lib_code"))
	onMini := req(simLibCode, "交易笔数", "交易金额")
	onMini.Parent = "channels/mini"
	e.runBoth(e.claimCase("mini program channel", onMini, "", codes.FailedPrecondition))
	if after := ts.Stats(); after != stats {
		t.Errorf("refused requests reached the simulator: %+v, before %+v", after, stats)
	}
}

// TestClaimTemplateIDCheckedFirst: a claim that cannot be stored (template_id invalid or
// taken) must be refused before Alipay is called: Alipay has no API to list a Life
// Account's templates, so a template claimed but not stored is lost (and counts against
// the app's quota).
func TestClaimTemplateIDCheckedFirst(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simLife(ts, "life")
	e.must(mClaimTemplate, &reachv1.ClaimTemplateRequest{Parent: "channels/life", TemplateId: "taken", LibCode: simLibCode,
		Keywords: []string{"交易笔数", "交易金额"}}, &reachv1.ClaimTemplateResponse{})
	before := len(ts.Requests(alipaysim.RequestFilter{API: claimAPI}))
	for _, x := range []struct {
		id   string
		want codes.Code
	}{{"Bad_Id", codes.InvalidArgument}, {"taken", codes.AlreadyExists}} {
		r := &reachv1.ClaimTemplateRequest{Parent: "channels/life", TemplateId: x.id, LibCode: simLibCode, Keywords: []string{"交易笔数", "交易金额"}}
		c := e.claimCase("template_id "+x.id, r, x.id, x.want)
		if x.want == codes.InvalidArgument {
			c.fields = []string{"template_id"}
		}
		e.runBoth(c)
	}
	if n := len(ts.Requests(alipaysim.RequestFilter{API: claimAPI})) - before; n != 0 {
		t.Errorf("%d templates were claimed at Alipay for requests that could not be stored", n)
	}
}
