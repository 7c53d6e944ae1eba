package alipaysim

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// gwCall is one gateway.do request on its way through verification and the API handler.
type gwCall struct {
	params    map[string]string
	method    string
	key       string // the response key: "<method . → _>_response" or "error_response"
	app       *app
	api       *apiDef
	biz       []byte // biz_content, decrypted
	encrypted bool   // the request was AES-encrypted, so the answer is too (§1.8)
	rec       *Record
	arrived   time.Time // when the request reached the simulator: a record's time
}

// cst is Beijing time, in which gateway timestamps are written (§1.3). A fixed zone, not
// time.LoadLocation("Asia/Shanghai"): China has no DST and minimal images lack tzdata.
var cst = time.FixedZone("CST", 8*3600)

const timestampLayout = "2006-01-02 15:04:05"

// serveGateway is /gateway.do (§1). Parameters may come in the form body, the query string
// or both (§1.2); a key present in both counts once, body first, as each SDK signs it once.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	arrived := s.now()
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	c := &gwCall{params: make(map[string]string, len(r.Form)), key: "error_response", arrived: arrived}
	for k, v := range r.Form {
		c.params[k] = v[0]
	}
	if e := s.authenticate(c); e != nil {
		s.reject(c, e)
		s.writeGateway(w, c, e.content(), false)
		return
	}
	// The rate limit and latency come before faults: Alipay refuses an over-limit call
	// before any processing, and a Count fault must not be spent on it.
	if s.limit(r, c.app) {
		s.gatewayLimited(w, c)
		return
	}
	f := s.faults.pick(c.method, c.app.id)
	if f != nil && !f.After && s.gatewayFault(w, r, c, f) {
		return
	}
	content, e := s.process(c)
	if e != nil {
		s.reject(c, e)
		content = e.content()
	} else if c.rec != nil {
		c.rec.API, c.rec.AppID, c.rec.Time = c.method, c.app.id, c.arrived
		s.records.add(*c.rec)
	}
	if f != nil && f.After && s.gatewayFault(w, r, c, f) {
		return
	}
	s.writeGateway(w, c, content, !c.api.unsigned)
}

func (s *Server) reject(c *gwCall, e *apiError) {
	s.records.count(true, false)
	appID := ""
	if c.app != nil {
		appID = c.app.id
	}
	s.log.Debug("alipay simulator rejected a gateway call", "method", c.method, "app_id", appID,
		"code", e.code, "sub_code", e.subCode, "sub_msg", e.subMsg)
}

// authenticate checks the common parameters, the app, the method, the timestamp, the
// certificate SNs and the signature, in that order. Its failures are answered unsigned:
// the caller is not authenticated (README, open question 5).
func (s *Server) authenticate(c *gwCall) *apiError {
	p := c.params
	if c.method = p["method"]; c.method == "" {
		return gwErr("40001", "isv.missing-method", "缺少方法名参数")
	}
	appID := p["app_id"]
	if appID == "" {
		return gwErr("40001", "isv.missing-app-id", "缺少appId参数")
	}
	if c.app = s.byID[appID]; c.app == nil || c.app.product == AlipayPlus {
		c.app = nil
		return gwErr("40002", "isv.invalid-app-id", "无效的AppID参数")
	}
	c.key = strings.ReplaceAll(c.method, ".", "_") + "_response"
	for _, req := range []struct{ name, sub, msg string }{
		{"sign", "isv.missing-signature", "缺少签名参数"},
		{"sign_type", "isv.missing-signature-type", "缺少签名类型参数"},
		{"timestamp", "isv.missing-timestamp", "缺少时间戳参数"},
		{"version", "isv.missing-version", "缺少版本参数"},
	} {
		if p[req.name] == "" {
			return gwErr("40001", req.sub, req.msg)
		}
	}
	if c.api = gatewayAPIs[c.method]; c.api == nil {
		return gwErr("40002", "isv.invalid-method", "不存在的方法名")
	}
	if f := p["format"]; f != "" && !strings.EqualFold(f, "json") {
		return gwErr("40002", "isv.invalid-format", "无效的数据格式")
	}
	if cs := p["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return gwErr("40002", "isv.invalid-charset", "字符集错误: the simulator supports utf-8 only")
	}
	if p["sign_type"] != "RSA2" {
		return gwErr("40002", "isv.invalid-signature-type", "无效签名类型: only RSA2 is supported")
	}
	if e := s.checkTimestamp(p["timestamp"]); e != nil {
		return e
	}
	if c.app.certMode {
		if p["app_cert_sn"] != c.app.certSN {
			return gwErr("40002", "isv.app-cert-sn-error", "应用公钥证书序列号(app_cert_sn)不匹配")
		}
		if p["alipay_root_cert_sn"] != s.pki.rootSN {
			return gwErr("40002", "isv.alipay-root-cert-sn-error", "支付宝根证书序列号(alipay_root_cert_sn)不匹配")
		}
	}
	content := signContent(p)
	if !verify(c.app.pub, []byte(content), p["sign"]) {
		return gwErr("40002", "isv.invalid-signature", "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为："+content)
	}
	return nil
}

// checkTimestamp reads ts as Beijing time and, unless strict_timestamps is set, also as
// UTC: the same wall time in UTC is 8 hours later. Either reading within the skew passes.
func (s *Server) checkTimestamp(ts string) *apiError {
	t, err := time.ParseInLocation(timestampLayout, ts, cst)
	if err != nil {
		return gwErr("40002", "isv.invalid-timestamp", "非法的时间戳参数: want yyyy-MM-dd HH:mm:ss (Beijing time)")
	}
	if s.skew < 0 {
		return nil
	}
	// Wall time, not the state clock: Advance must not make every request stale.
	d := time.Since(t).Abs()
	if d <= s.skew || (!s.strictTimestamps && time.Since(t.Add(8*time.Hour)).Abs() <= s.skew) {
		return nil
	}
	readings := "Beijing time or UTC"
	if s.strictTimestamps {
		readings = "Beijing time"
	}
	return gwErr("40002", "isv.invalid-timestamp", "非法的时间戳参数: "+d.Round(time.Second).String()+
		" from the gateway clock (read as "+readings+")")
}

// signContent is the string-to-sign of §1.4: every parameter but sign, empty values
// dropped, sorted by key, "k=v" joined with "&", raw (unencoded) values.
func signContent(p map[string]string) string {
	keys := make([]string, 0, len(p))
	n := 0
	for k, v := range p {
		if k != "sign" && v != "" {
			keys = append(keys, k)
			n += len(k) + len(v) + 2
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.Grow(n)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(p[k])
	}
	return b.String()
}
