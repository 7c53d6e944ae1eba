package alipayplus

import (
	"context"
	"encoding/json"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
)

// PathApplyToken is the applyToken API (§4.6).
const PathApplyToken = "/v2/authorizations/applyToken"

// Grant types of applyToken (§4.6).
const (
	GrantAuthorizationCode = "AUTHORIZATION_CODE"
	GrantRefreshToken      = "REFRESH_TOKEN"
)

// ApplyTokenRequest is the body of applyToken (§4.6). AuthCode goes with
// GrantAuthorizationCode, RefreshToken with GrantRefreshToken.
type ApplyTokenRequest struct {
	AppID             string `json:"appId"`        // ≤32
	AuthClientID      string `json:"authClientId"` // ≤128
	GrantType         string `json:"grantType"`
	CustomerBelongsTo string `json:"customerBelongsTo,omitempty"`
	AuthCode          string `json:"authCode,omitempty"`
	RefreshToken      string `json:"refreshToken,omitempty"`
	ExtendInfo        string `json:"extendInfo,omitempty"`
}

// ApplyTokenResponse is the answer to applyToken (§4.6). The expiry times are zero when absent
// or in a form parseTime does not know; treat zero as "expiry unknown". An unreadable time does
// not fail the call, because the auth code it consumed cannot be used a second time.
type ApplyTokenResponse struct {
	Result                 Result    `json:"result"`
	AccessToken            string    `json:"accessToken"`
	AccessTokenExpiryTime  time.Time `json:"accessTokenExpiryTime"`
	RefreshToken           string    `json:"refreshToken,omitempty"`
	RefreshTokenExpiryTime time.Time `json:"refreshTokenExpiryTime"`
	CustomerID             string    `json:"customerId,omitempty"` // the user at the super app
	ExtendInfo             string    `json:"extendInfo,omitempty"`
}

// UnmarshalJSON reads the expiry times tolerantly (see parseTime).
func (r *ApplyTokenResponse) UnmarshalJSON(b []byte) error {
	type plain ApplyTokenResponse // no methods: no recursion
	var aux struct {
		plain
		AccessTokenExpiryTime  json.RawMessage `json:"accessTokenExpiryTime"`
		RefreshTokenExpiryTime json.RawMessage `json:"refreshTokenExpiryTime"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*r = ApplyTokenResponse(aux.plain)
	r.AccessTokenExpiryTime = parseTime(aux.AccessTokenExpiryTime)
	r.RefreshTokenExpiryTime = parseTime(aux.RefreshTokenExpiryTime)
	return nil
}

// Validate checks the rules of §4.6. The error is a BadRequest *alipayerr.Error wrapping
// FieldErrors.
func (r *ApplyTokenRequest) Validate() error {
	var c checker
	c.required("appId", r.AppID, 32)
	c.required("authClientId", r.AuthClientID, 128)
	switch r.GrantType {
	case GrantAuthorizationCode:
		c.required("authCode", r.AuthCode, 0)
	case GrantRefreshToken:
		c.required("refreshToken", r.RefreshToken, 0)
	case "":
		c.add("grantType", "required")
	default:
		c.add("grantType", "%q is neither %s nor %s", r.GrantType, GrantAuthorizationCode, GrantRefreshToken)
	}
	return c.err()
}

// ApplyToken validates req and calls applyToken. An auth code is single-use (valid about ten
// minutes), so unlike SendMessage a Retryable failure here may not succeed on retry: the
// platform may have consumed the code.
func (c *Client) ApplyToken(ctx context.Context, req *ApplyTokenRequest) (*ApplyTokenResponse, error) {
	if req == nil {
		return nil, &alipayerr.Error{Class: alipayerr.BadRequest, Err: FieldErrors{{Field: "request", Description: "required"}}}
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	var resp ApplyTokenResponse
	if err := c.Call(ctx, PathApplyToken, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}
