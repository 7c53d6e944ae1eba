package alipaysim

import (
	"cmp"
	"encoding/json"
	"net/http"
)

// gatewayLimited answers a call over its app's rate limit with a signed 40005 Call Limited,
// isv.app-call-limited (§6.1), encrypted when the request was (like every signed answer),
// and records it.
func (s *Server) gatewayLimited(w http.ResponseWriter, c *gwCall) {
	biz := []byte(c.params["biz_content"])
	if c.params["encrypt_type"] == "AES" && c.app.aes != nil {
		c.encrypted = true
		if len(biz) > 0 {
			biz, _ = aesDecrypt(c.app.aes, string(biz)) // undecryptable: recorded without content
		}
	}
	rec, _ := sketch(biz)
	rec.API, rec.AppID, rec.Time = c.method, c.app.id, c.arrived
	s.records.add(rec)
	s.log.Debug("alipay simulator rate-limited a gateway call", "method", c.method, "app_id", c.app.id)
	e := gwErr("40005", "isv.app-call-limited", "应用调用频次超限")
	s.writeGateway(w, c, e.content(), !c.api.unsigned)
}

// plusLimited answers an Alipay+ call over its app's rate limit with a signed F
// REQUEST_TRAFFIC_EXCEED_LIMIT (§4.4, §6.1) and records it.
func (s *Server) plusLimited(w http.ResponseWriter, c *plusCall) {
	rec, accessToken := sketch(c.body)
	if accessToken != "" {
		// The recipient of a send is the token's customer, as in an accepted record.
		s.st.mu.Lock()
		if tok := s.st.plus.access[accessToken]; tok != nil && tok.appID == c.app.id {
			rec.Recipient = tok.customer
		}
		s.st.mu.Unlock()
	}
	rec.API, rec.AppID, rec.Time = c.path, c.app.id, c.arrived
	s.records.add(rec)
	s.log.Debug("alipay simulator rate-limited an Alipay+ call", "path", c.path, "client_id", c.clientID)
	s.writePlus(w, c, plusFail("REQUEST_TRAFFIC_EXCEED_LIMIT", "request traffic exceeds the limit"))
}

// sketch makes the record of a rate-limited call from its content, which no API handler
// has read: who and what it was for, so a test can match it with the attempt that later
// got through. Fields of the wrong type are skipped, not fatal.
func sketch(content []byte) (rec Record, accessToken string) {
	rec.Outcome = OutcomeRateLimited
	if !json.Valid(content) {
		return rec, ""
	}
	rec.Content = content
	var b struct {
		ToUserID       string          `json:"to_user_id"`
		ToOpenID       string          `json:"to_open_id"`
		UserID         string          `json:"user_id"`
		OpenID         string          `json:"open_id"`
		UserTemplateID string          `json:"user_template_id"`
		Template       json.RawMessage `json:"template"`
		TemplateCode   string          `json:"templateCode"`
		RequestID      string          `json:"requestId"`
		AccessToken    string          `json:"accessToken"`
	}
	_ = json.Unmarshal(content, &b)
	var life struct {
		TemplateID string `json:"template_id"`
	}
	_ = json.Unmarshal(b.Template, &life)
	rec.Recipient = cmp.Or(b.ToUserID, b.ToOpenID, b.UserID, b.OpenID)
	rec.TemplateID = cmp.Or(b.UserTemplateID, life.TemplateID, b.TemplateCode)
	rec.RequestID = b.RequestID
	return rec, b.AccessToken
}
