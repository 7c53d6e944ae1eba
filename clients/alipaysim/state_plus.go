package alipaysim

import (
	"slices"
	"time"
)

// plusState is the Alipay+ authorization state of §4.6 and the idempotency memory of
// §4.5. It is guarded by state.mu.
type plusState struct {
	codes   map[string]*authCode
	access  map[string]*token
	refresh map[string]*token
	// Successful sends by (Client-Id, requestId); order evicts the oldest beyond the cap.
	sends map[sendKey]*sentMessage
	order []sendKey
}

// authCode is a my.getAuthCode result issued through the admin API; single use.
type authCode struct {
	appID, customer string
	scopes          []string
	expires         time.Time
	used            bool
}

// token is an access or refresh token. A refresh token is spent when used (rotation).
type token struct {
	appID, customer string
	scopes          []string
	expires         time.Time
	used            bool
}

type sendKey struct{ client, requestID string }

// sentMessage is what a repeated requestId gets back (§4.5: the same requestId that
// reached S returns the same result).
type sentMessage struct {
	fingerprint string
	messageID   string
}

func (p *plusState) reset() {
	p.codes = map[string]*authCode{}
	p.access = map[string]*token{}
	p.refresh = map[string]*token{}
	p.sends = map[sendKey]*sentMessage{}
	p.order = nil
}

func (p *plusState) remember(k sendKey, m *sentMessage, limit int) {
	p.sends[k] = m
	p.order = append(p.order, k)
	if len(p.order) > limit {
		drop := len(p.order) - limit
		for _, old := range p.order[:drop] {
			delete(p.sends, old)
		}
		p.order = append(p.order[:0], p.order[drop:]...)
	}
}

// scopeSendMessage is the user consent message/send needs (§4.5 prerequisite).
const scopeSendMessage = "SEND_MESSAGE"

// IssueAuthCode makes a single-use auth code for customerID of an Alipay+ app (what
// my.getAuthCode would return after the user agrees). scopes default to SEND_MESSAGE;
// granting SEND_MESSAGE also lifts an earlier Unsubscribe.
func (s *Server) IssueAuthCode(appID, customerID string, scopes ...string) (code string, expires time.Time, err error) {
	if customerID == "" {
		return "", time.Time{}, errInvalid("customer_id is required")
	}
	if len(scopes) == 0 {
		scopes = []string{scopeSendMessage}
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	as, err := s.st.appLocked(appID, AlipayPlus)
	if err != nil {
		return "", time.Time{}, err
	}
	code = "AC" + randomHex(16)
	expires = s.now().Add(s.authCodeTTL)
	s.st.plus.codes[code] = &authCode{appID: appID, customer: customerID, scopes: scopes, expires: expires}
	if slices.Contains(scopes, scopeSendMessage) {
		delete(as.revoked, customerID)
	}
	return code, expires, nil
}
