package alipaysim

import (
	"encoding/json"
	"time"
)

// plusApplyToken is POST /v2/authorizations/applyToken (§4.6). Error codes differ per
// wallet; the simulator uses AlipayHK's INVALID_AUTHCODE / AUTH_CODE_EXPIRED for codes and
// rebellapp-style INVALID_/USED_/EXPIRED_REFRESH_TOKEN for refresh tokens (README).
func (s *Server) plusApplyToken(c *plusCall) *plusResult {
	var req struct {
		AppID        string `json:"appId"`
		AuthClientID string `json:"authClientId"`
		GrantType    string `json:"grantType"`
		AuthCode     string `json:"authCode"`
		RefreshToken string `json:"refreshToken"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return plusFail("PARAM_ILLEGAL", "the body is not valid JSON for this API: "+err.Error())
	}
	if req.AppID == "" || req.GrantType == "" {
		return plusFail("PARAM_ILLEGAL", "appId and grantType are required")
	}
	if res := c.checkApp(req.AppID, req.AuthClientID); res != nil {
		return res
	}
	now := s.now()
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	var customer string
	var scopes []string
	switch req.GrantType {
	case "AUTHORIZATION_CODE":
		if req.AuthCode == "" {
			return plusFail("PARAM_ILLEGAL", "authCode is required for AUTHORIZATION_CODE")
		}
		code := s.st.plus.codes[req.AuthCode]
		switch {
		case code == nil || code.used || code.appID != c.app.id:
			return plusFail("INVALID_AUTHCODE", "the authCode is invalid or was already used")
		case !now.Before(code.expires):
			return plusFail("AUTH_CODE_EXPIRED", "the authCode has expired")
		}
		code.used = true
		customer, scopes = code.customer, code.scopes
	case "REFRESH_TOKEN":
		if req.RefreshToken == "" {
			return plusFail("PARAM_ILLEGAL", "refreshToken is required for REFRESH_TOKEN")
		}
		rt := s.st.plus.refresh[req.RefreshToken]
		switch {
		case rt == nil || rt.appID != c.app.id:
			return plusFail("INVALID_REFRESH_TOKEN", "the refreshToken is invalid")
		case rt.used:
			return plusFail("USED_REFRESH_TOKEN", "the refreshToken was already used")
		case !now.Before(rt.expires):
			return plusFail("EXPIRED_REFRESH_TOKEN", "the refreshToken has expired")
		}
		rt.used = true // refresh tokens rotate: each is good for one renewal
		customer, scopes = rt.customer, rt.scopes
	default:
		return plusFail("PARAM_ILLEGAL", "grantType must be AUTHORIZATION_CODE or REFRESH_TOKEN")
	}
	access := &token{appID: c.app.id, customer: customer, scopes: scopes, expires: now.Add(s.accessTTL)}
	refresh := &token{appID: c.app.id, customer: customer, scopes: scopes, expires: now.Add(s.refreshTTL)}
	at, rt := "AT"+randomHex(20), "RT"+randomHex(20)
	s.st.plus.access[at], s.st.plus.refresh[rt] = access, refresh
	c.rec = &Record{Recipient: customer, Content: c.body}
	return plusOK(
		field{"accessToken", at},
		field{"accessTokenExpiryTime", isoTime(access.expires)},
		field{"refreshToken", rt},
		field{"refreshTokenExpiryTime", isoTime(refresh.expires)},
		field{"customerId", customer},
	)
}

// isoTime is ISO-8601 with a +08:00 offset, e.g. 2019-11-27T12:01:01+08:00 (§4.6).
func isoTime(t time.Time) string { return t.In(cst).Format(time.RFC3339) }
