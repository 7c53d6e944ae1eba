package alipayplus

import (
	"context"
	"fmt"

	"github.com/reachhq/reach/clients/alipayerr"
)

// PathSendMessage is the message/send API (§4.5).
const PathSendMessage = "/v2/miniprogram/message/send"

// MaxTemplates is the most content templates (languages) one send may carry (§4.5).
const MaxTemplates = 5

// SendMessageRequest is the body of message/send (§4.5). CustomerBelongsTo and AuthClientID
// are optional here: the alipayconnect page marks them required, other wallets' pages and the
// AlipayCN solution page (seed 002: "authClientId is not required") do not (open question 7),
// so the platform, not this client, decides.
type SendMessageRequest struct {
	AppID             string            `json:"appId"`                       // mini-program id, ≤32
	AccessToken       string            `json:"accessToken"`                 // from applyToken, ≤128
	CustomerBelongsTo string            `json:"customerBelongsTo,omitempty"` // super app, e.g. ALIPAY_CN
	AuthClientID      string            `json:"authClientId,omitempty"`      // merchant id at the super app, ≤128
	RequestID         string            `json:"requestId"`                   // idempotency key, ≤64; see RequestIDFor
	TemplateCode      string            `json:"templateCode"`                // ≤64
	Templates         []ContentTemplate `json:"templates"`                   // 1..MaxTemplates
	RedirectURL       string            `json:"redirectUrl,omitempty"`       // ≤2048
	ExtendInfo        string            `json:"extendInfo,omitempty"`        // ≤4096
}

// ContentTemplate is the message content in one language (§4.5). TemplateParameters is always
// sent: use an empty map, not nil, for a template without variables.
type ContentTemplate struct {
	TemplateParameters map[string]string `json:"templateParameters"`
	Language           string            `json:"language,omitempty"` // e.g. "en-US"
}

// SendMessageResponse is the answer to message/send. Result S means accepted, not delivered.
type SendMessageResponse struct {
	Result     Result `json:"result"`
	MessageID  string `json:"messageId,omitempty"`
	ExtendInfo string `json:"extendInfo,omitempty"`
}

// Validate checks the documented limits of §4.5. The error is a BadRequest *alipayerr.Error
// wrapping FieldErrors.
func (r *SendMessageRequest) Validate() error {
	var c checker
	c.required("appId", r.AppID, 32)
	c.required("accessToken", r.AccessToken, 128)
	c.optional("authClientId", r.AuthClientID, 128)
	c.required("requestId", r.RequestID, 64)
	c.required("templateCode", r.TemplateCode, 64)
	switch n := len(r.Templates); {
	case n == 0:
		c.add("templates", "required")
	case n > MaxTemplates:
		c.add("templates", "%d templates, at most %d allowed", n, MaxTemplates)
	}
	for i, t := range r.Templates {
		if t.TemplateParameters == nil {
			c.add(fmt.Sprintf("templates[%d].templateParameters", i), "required (an empty map for none)")
		}
	}
	c.optional("redirectUrl", r.RedirectURL, 2048)
	c.optional("extendInfo", r.ExtendInfo, 4096)
	return c.err()
}

// SendMessage validates req and calls message/send. Retrying with the same RequestID is
// idempotent at the platform (§4.5), so a Retryable error may be retried as is.
func (c *Client) SendMessage(ctx context.Context, req *SendMessageRequest) (*SendMessageResponse, error) {
	if req == nil {
		return nil, &alipayerr.Error{Class: alipayerr.BadRequest, Err: FieldErrors{{Field: "request", Description: "required"}}}
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	var resp SendMessageResponse
	if err := c.Call(ctx, PathSendMessage, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}
