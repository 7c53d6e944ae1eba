package alipaysim

import (
	"encoding/json"
	"slices"
	"sort"
)

// plusSend is POST /v2/miniprogram/message/send (§4.5). Checks: body, appId and
// authClientId, idempotency, accessToken, templateCode, parameters, consent.
func (s *Server) plusSend(c *plusCall) *plusResult {
	var req struct {
		AppID        string `json:"appId"`
		AccessToken  string `json:"accessToken"`
		AuthClientID string `json:"authClientId"`
		RequestID    string `json:"requestId"`
		TemplateCode string `json:"templateCode"`
		Templates    []struct {
			TemplateParameters map[string]string `json:"templateParameters"`
			Language           string            `json:"language,omitempty"`
		} `json:"templates"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return plusFail("PARAM_ILLEGAL", "the body is not valid JSON for this API: "+err.Error())
	}
	switch {
	case req.AppID == "" || req.AccessToken == "" || req.RequestID == "" || req.TemplateCode == "":
		return plusFail("PARAM_ILLEGAL", "appId, accessToken, requestId, templateCode and templates are required")
	case len(req.RequestID) > 64:
		return plusFail("PARAM_ILLEGAL", "requestId is longer than 64")
	case len(req.Templates) == 0 || len(req.Templates) > 5:
		return plusFail("PARAM_ILLEGAL", "templates must hold 1 to 5 entries")
	}
	if res := c.checkApp(req.AppID, req.AuthClientID); res != nil {
		return res
	}
	// The whole request identifies it: the same requestId for another user, token or
	// content is a different message, not a repeat (§4.5).
	fingerprint := string(mustJSON(req))
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	key := sendKey{c.clientID, req.RequestID}
	if prev := s.st.plus.sends[key]; prev != nil {
		// Recorded once; the same answer again (§4.5 idempotency).
		if prev.fingerprint != fingerprint {
			return plusFail("REPEAT_REQ_INCONSISTENT", "requestId "+req.RequestID+" was used for a different message")
		}
		return plusOK(field{"messageId", prev.messageID})
	}
	tok, res := s.liveToken(c.app.id, req.AccessToken)
	if res != nil {
		return res
	}
	as := s.st.apps[c.app.id]
	t := as.templates[req.TemplateCode]
	if t == nil {
		return plusFail("TEMPLATE_NOT_EXIST", "template "+req.TemplateCode+" does not exist")
	}
	if len(t.Keywords) > 0 {
		for _, tp := range req.Templates {
			if !sameSet(mapKeys(tp.TemplateParameters), t.Keywords) {
				return plusFail("PARAM_ILLEGAL", "templateParameters must be exactly the template's variables")
			}
		}
	}
	if as.revoked[tok.customer] || !slices.Contains(tok.scopes, scopeSendMessage) {
		return plusFail("USER_NOT_SUBSCRIBED", "the user has not authorized SEND_MESSAGE for this mini program")
	}
	msgID := "MSG" + randomHex(12)
	s.st.plus.remember(key, &sentMessage{fingerprint: fingerprint, messageID: msgID}, s.maxRecords)
	c.rec = &Record{Recipient: tok.customer, TemplateID: t.ID, RequestID: req.RequestID, MessageID: msgID, Content: c.body}
	return plusOK(field{"messageId", msgID})
}

// liveToken finds an access token of appID; the caller holds st.mu. An unknown token, or
// one of another app, is INVALID_ACCESS_TOKEN; an expired one EXPIRED_ACCESS_TOKEN.
func (s *Server) liveToken(appID, accessToken string) (*token, *plusResult) {
	tok := s.st.plus.access[accessToken]
	switch {
	case tok == nil || tok.appID != appID:
		return nil, plusFail("INVALID_ACCESS_TOKEN", "the accessToken is not valid for this mini program")
	case !s.now().Before(tok.expires):
		return nil, plusFail("EXPIRED_ACCESS_TOKEN", "the accessToken has expired; renew it with applyToken")
	}
	return tok, nil
}

// checkApp rejects a body whose appId is not the Client-Id's app, or whose authClientId
// differs from a configured one (it is optional in the request: seeds/002).
func (c *plusCall) checkApp(appID, authClientID string) *plusResult {
	if appID != c.app.id {
		return plusFail("ACCESS_DENIED", "appId "+appID+" does not belong to Client-Id "+c.clientID)
	}
	if c.app.authClientID != "" && authClientID != "" && authClientID != c.app.authClientID {
		return plusFail("INVALID_AUTH_CLIENT", "authClientId does not match")
	}
	return nil
}

func mapKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
