package server

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// remoteSecret is text a gateway that is not Alipay (or a proxy in front of it) puts in an
// answer it did not sign; Reach must never show it to a tenant.
const remoteSecret = "redis at 10.1.2.3:6379 says hello"

// unsignedGateway answers every request like Alipay refusing it, without a signature, with
// remoteSecret in the words: an Open Platform error_response or an Alipay+ result.
func unsignedGateway(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.URL.Path, "/api/open/") {
			_, _ = w.Write([]byte(`{"result":{"resultStatus":"F","resultCode":"INVALID_SIGNATURE","resultMessage":"` + remoteSecret + `"}}`))
			return
		}
		_, _ = w.Write([]byte(`{"error_response":{"code":"40002","msg":"` + remoteSecret + `","sub_code":"isv.invalid-app-id","sub_msg":"` + remoteSecret + `"}}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestUnsignedWordsNotShown: what an answer nobody signed says stays out of state_reason
// and out of errors (finding 2 of issue 7: sub_msg and resultMessage of an unsigned answer
// landed in state_reason, readable by any viewer); its codes, which tell the operator what
// to fix, are kept.
func TestUnsignedWordsNotShown(t *testing.T) {
	e := newTestEnv(t)
	base := unsignedGateway(t)
	life := lifeChannel(t)
	life.GetOpenPlatform().GatewayUrl = base + "/gateway.do"
	plus := plusChannel(t)
	plus.GetAlipayPlus().GatewayUrl = base + "/api/open"
	for _, c := range []struct {
		id   string
		ch   *reachv1.Channel
		code string
	}{{"life", life, "40002/isv.invalid-app-id"}, {"plus", plus, "INVALID_SIGNATURE"}} {
		got := e.createChannel(c.id, c.ch)
		if got.State != reachv1.ChannelState_CHANNEL_STATE_AUTH_FAILED || !strings.Contains(got.StateReason, c.code) || strings.Contains(got.StateReason, "redis") {
			t.Errorf("%s: %v %q; want AUTH_FAILED naming %s without the answer's words", c.id, got.State, got.StateReason, c.code)
		}
		e.verifyExpect(c.id+": verify", c.id, c.id, reachv1.ChannelState_CHANNEL_STATE_AUTH_FAILED, true, c.code)
		if got := e.getChannel("channels/" + c.id); strings.Contains(got.StateReason, "redis") {
			t.Errorf("%s after verify: state_reason %q shows the answer's words", c.id, got.StateReason)
		}
	}

	// A claim the unsigned gateway refuses: the error names the code, not the words, over
	// both transports and in the ErrorInfo.
	req := &reachv1.ClaimTemplateRequest{Parent: "channels/life", LibCode: simLibCode, Keywords: []string{"交易金额", "交易笔数"}}
	claim := e.claimCase("claim refused without a signature", req, "", codes.FailedPrecondition)
	claim.msg = "40002/isv.invalid-app-id (not signed by Alipay)"
	e.runBoth(claim)
	err := e.call(e.admin(), mClaimTemplate, req, &reachv1.ClaimTemplateResponse{})
	if strings.Contains(err.Error(), "redis") {
		t.Errorf("claim over gRPC shows the answer's words: %v", err)
	}
	if info := alipayInfo(err); info == nil || info.Metadata["sub_code"] != "isv.invalid-app-id" || info.Metadata["sub_msg"] != "" || info.Metadata["msg"] != "" {
		t.Errorf("claim ErrorInfo %v: want the codes without msg and sub_msg", info)
	}
	if _, body := e.httpCall(e.admin(), "POST", "/v1/channels/life/templates:claim", req); strings.Contains(jsonText(t, body), "redis") {
		t.Errorf("claim over HTTP shows the answer's words: %v", body)
	}
}

// TestConnectionFailuresReadTheSame: a closed port, a server that hangs up and a server
// that does not speak TLS all read "could not reach the Alipay gateway", so a tenant cannot
// map which ports are open or what runs there (finding 2 of issue 7).
func TestConnectionFailuresReadTheSame(t *testing.T) {
	e := newTestEnv(t)
	hangUp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hangUp.Close() })
	go func() {
		for {
			c, err := hangUp.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	urls := map[string]string{
		"closed":  deadGatewayURL(t),
		"hang-up": "http://" + hangUp.Addr().String() + "/gateway.do",
		"not-tls": strings.Replace(plain.URL, "http://", "https://", 1) + "/gateway.do",
	}
	reasons := map[string]bool{}
	for id, u := range urls {
		ch := miniChannel(t)
		ch.GetOpenPlatform().GatewayUrl = u
		got := e.createChannel(id, ch)
		reasons[got.StateReason] = true
		if got.StateReason != "verification could not run: could not reach the Alipay gateway" {
			t.Errorf("%s: state_reason %q", id, got.StateReason)
		}
	}
	if len(reasons) != 1 {
		t.Errorf("the causes read differently: %v", reasons)
	}
}

// jsonText is body as JSON text, to search.
func jsonText(t *testing.T, body map[string]any) string {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
