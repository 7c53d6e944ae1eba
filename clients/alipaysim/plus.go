package alipaysim

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// plusCall is one Alipay+ request (§4).
type plusCall struct {
	path, uri, clientID string
	body                []byte
	app                 *app
	rec                 *Record
	arrived             time.Time // when the request reached the simulator: a record's time
}

// plusResult is the result object of §4.4 plus the API's fields.
type plusResult struct {
	status, code, message string
	fields                []field
}

func plusOK(fields ...field) *plusResult {
	return &plusResult{status: "S", code: "SUCCESS", message: "success", fields: fields}
}

func plusFail(code, message string) *plusResult {
	return &plusResult{status: "F", code: code, message: message}
}

func (r *plusResult) json() []byte {
	return mustJSON(append(obj{{"result", obj{{"resultCode", r.code}, {"resultStatus", r.status},
		{"resultMessage", r.message}}}}, r.fields...))
}

// plusAPIs are the Alipay+ endpoints under /api/open (§4.5, §4.6).
var plusAPIs map[string]func(*Server, *plusCall) *plusResult

func init() {
	plusAPIs = map[string]func(*Server, *plusCall) *plusResult{
		"/api/open/v2/miniprogram/message/send":  (*Server).plusSend,
		"/api/open/v2/authorizations/applyToken": (*Server).plusApplyToken,
	}
}

// servePlus handles /api/open/. Every answer, failures included, is HTTP 200 with a
// signed result object (README: signature failures are F/INVALID_SIGNATURE, not 401).
func (s *Server) servePlus(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	arrived := s.now()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	c := &plusCall{path: r.URL.Path, uri: requestURI(r), clientID: r.Header.Get("Client-Id"), body: body, arrived: arrived}
	res := s.plusAuthenticate(c, r.Header)
	handle := plusAPIs[c.path]
	if res == nil && handle == nil {
		res = plusFail("INVALID_API", "no such API: "+c.path)
	}
	if res != nil {
		s.records.count(true, false)
		s.log.Debug("alipay simulator rejected an Alipay+ call", "path", c.path, "client_id", c.clientID, "result_code", res.code)
		s.writePlus(w, c, res)
		return
	}
	if s.limit(r, c.app) { // before faults, as on the gateway
		s.plusLimited(w, c)
		return
	}
	f := s.faults.pick(c.path, c.app.id)
	if f != nil && !f.After && s.plusFault(w, r, c, f) {
		return
	}
	res = handle(s, c)
	if res.status != "S" {
		s.records.count(true, false)
	} else if c.rec != nil {
		c.rec.API, c.rec.AppID, c.rec.Time = c.path, c.app.id, c.arrived
		s.records.add(*c.rec)
	}
	if f != nil && f.After && s.plusFault(w, r, c, f) {
		return
	}
	s.writePlus(w, c, res)
}

// requestURI is the path (and query) exactly as the client sent it, which is what it
// signed (§4.2).
func requestURI(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// plusAuthenticate checks Client-Id, Request-Time and the Signature header (§4.1–4.2).
func (s *Server) plusAuthenticate(c *plusCall, h http.Header) *plusResult {
	if c.clientID == "" {
		return plusFail("PARAM_ILLEGAL", "the Client-Id header is required")
	}
	if c.app = s.byClient[c.clientID]; c.app == nil {
		return plusFail("INVALID_CLIENT", "unknown Client-Id "+c.clientID)
	}
	reqTime := h.Get("Request-Time")
	t, ok := parseRequestTime(reqTime)
	if !ok {
		return plusFail("PARAM_ILLEGAL", "Request-Time must be ISO-8601 with an offset or epoch milliseconds")
	}
	if d := time.Since(t).Abs(); s.skew >= 0 && d > s.skew {
		return plusFail("PARAM_ILLEGAL", "Request-Time is "+d.Round(time.Second).String()+" from the platform clock")
	}
	sig, algo := parseSignatureHeader(h.Get("Signature"))
	if algo != "" && !strings.EqualFold(algo, "RSA256") {
		return plusFail("INVALID_SIGNATURE", "unsupported algorithm "+algo+"; the simulator supports RSA256")
	}
	content := "POST " + c.uri + "\n" + c.clientID + "." + reqTime + "." + string(c.body)
	raw, err := url.QueryUnescape(sig)
	if sig == "" || err != nil || !verify(c.app.pub, []byte(content), raw) {
		// Say what was signed without echoing the body, which carries tokens and codes.
		return plusFail("INVALID_SIGNATURE", truncate("signature verification failed; the platform verified: "+
			strconv.Quote("POST "+c.uri+"\n"+c.clientID+"."+reqTime+".")+fmt.Sprintf(" followed by the %d-byte body", len(c.body)), 256))
	}
	return nil
}

// parseRequestTime accepts epoch milliseconds (the Antom SDK) or ISO-8601 with an offset
// (the mini-program docs), with or without fractional seconds (§4.1, open question 7).
func parseRequestTime(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseSignatureHeader reads "algorithm=RSA256, keyVersion=1, signature=…" with or
// without spaces; algorithm defaults to RSA256 (§4.1).
func parseSignatureHeader(v string) (sig, algo string) {
	for _, part := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "signature":
			sig = val
		case "algorithm":
			algo = val
		}
	}
	return sig, algo
}

// writePlus writes res signed with the platform key (§4.3): Client-Id, Response-Time and
// Signature over "POST <uri>\n<Client-Id>.<Response-Time>.<body>".
func (s *Server) writePlus(w http.ResponseWriter, c *plusCall, res *plusResult) {
	body := res.json()
	respTime := time.Now().In(cst).Format("2006-01-02T15:04:05.000Z07:00")
	content := make([]byte, 0, len(c.uri)+len(c.clientID)+len(respTime)+len(body)+8)
	content = append(append(append(content, "POST "...), c.uri...), '\n')
	content = append(append(append(append(content, c.clientID...), '.'), respTime...), '.')
	content = append(content, body...)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Client-Id", c.clientID)
	h.Set("Response-Time", respTime)
	h.Set("Signature", "algorithm=RSA256,keyVersion=1,signature="+url.QueryEscape(s.platform.sign(content)))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
