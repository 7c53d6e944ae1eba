package alipayplus

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
)

func TestApplyToken(t *testing.T) {
	p := newPlatform(t)
	p.body = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},` +
		`"accessToken":"281010033AB2F588D14B43238637264FCA5AAF35xxxx","accessTokenExpiryTime":"2019-11-27T12:01:01+08:00",` +
		`"refreshToken":"2810100334F62CBC577F468AAC87CFC6C9107811xxxx","refreshTokenExpiryTime":"2019-11-28T12:01:01+08:00",` +
		`"customerId":"1000001119398804xxxx"}`
	resp, err := p.client(nil).ApplyToken(context.Background(), &ApplyTokenRequest{
		AppID: "3333010071465913xxxx", AuthClientID: "2188120000000000", GrantType: GrantAuthorizationCode,
		AuthCode: "2810111301lGZcM9CjlF91WH00039190xxxx", CustomerBelongsTo: "GCASH",
	})
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("", 8*3600)
	if resp.AccessToken != "281010033AB2F588D14B43238637264FCA5AAF35xxxx" || resp.CustomerID != "1000001119398804xxxx" ||
		!resp.AccessTokenExpiryTime.Equal(time.Date(2019, 11, 27, 12, 1, 1, 0, cst)) ||
		!resp.RefreshTokenExpiryTime.Equal(time.Date(2019, 11, 28, 12, 1, 1, 0, cst)) {
		t.Errorf("%+v", resp)
	}
	got := p.last()
	want := `{"appId":"3333010071465913xxxx","authClientId":"2188120000000000","grantType":"AUTHORIZATION_CODE",` +
		`"customerBelongsTo":"GCASH","authCode":"2810111301lGZcM9CjlF91WH00039190xxxx"}`
	if got.body != want || got.uri != "/api/open"+PathApplyToken || got.err != nil {
		t.Errorf("request %+v", got)
	}
}

func TestApplyTokenValidation(t *testing.T) {
	ok := ApplyTokenRequest{AppID: "a", AuthClientID: "c", GrantType: GrantRefreshToken, RefreshToken: "r"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for field, edit := range map[string]func(*ApplyTokenRequest){
		"appId":        func(r *ApplyTokenRequest) { r.AppID = "123456789012345678901234567890123" },
		"authClientId": func(r *ApplyTokenRequest) { r.AuthClientID = "" },
		"grantType":    func(r *ApplyTokenRequest) { r.GrantType = "PASSWORD" },
		"refreshToken": func(r *ApplyTokenRequest) { r.RefreshToken = "" },
		"authCode":     func(r *ApplyTokenRequest) { r.GrantType = GrantAuthorizationCode },
	} {
		r := ok
		edit(&r)
		_, err := newPlatform(t).client(nil).ApplyToken(context.Background(), &r)
		wantErr(t, err, alipayerr.BadRequest)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2019, 11, 27, 4, 1, 1, 0, time.UTC)
	for _, in := range []string{
		`"2019-11-27T12:01:01+08:00"`,
		`"2019-11-27T12:01:01.000+08:00"`,
		`"2019-11-27T04:01:01Z"`,
		`"2019-11-27T12:01:01+0800"`,
		`"2019-11-27 12:01:01+08:00"`,
		`" 2019-11-27T12:01:01+08:00 "`,
		`1574827261000`,
		`"1574827261000"`,
		`1574827261`,
	} {
		if got := parseTime(json.RawMessage(in)); !got.Equal(want) {
			t.Errorf("parseTime(%s) = %v", in, got)
		}
	}
	for _, in := range []string{``, `null`, `""`, `"2019-11-27 12:01:01"`, `"tomorrow"`, `{}`, `-5`, `"\x"`} {
		if got := parseTime(json.RawMessage(in)); !got.IsZero() {
			t.Errorf("parseTime(%s) = %v, want zero", in, got)
		}
	}
	// An unreadable expiry does not lose the token.
	var r ApplyTokenResponse
	if err := json.Unmarshal([]byte(`{"accessToken":"t","accessTokenExpiryTime":"soon"}`), &r); err != nil || r.AccessToken != "t" || !r.AccessTokenExpiryTime.IsZero() {
		t.Errorf("%+v, %v", r, err)
	}
}
