package alipayerr

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestOpenPlatform(t *testing.T) {
	for _, c := range []struct {
		code, sub string
		want      Class
	}{
		{"10000", "", 0},
		{"20000", "isp.unknow-error", Retryable},
		{"20000", "aop.unknow-error", Retryable},
		{"40005", "", RateLimited},
		{"40004", "PUB.MSG_BATCH_SD_OVER", RateLimited},
		{"40002", "isv.invalid-signature", Auth},
		{"40002", "isv.invalid-app-id", Auth},
		{"40006", "isv.insufficient-isv-permissions", Auth},
		{"20001", "aop.invalid-auth-token", Auth},
		{"40001", "isv.missing-encrypt-key", Auth},
		{"40004", "USER_TEMPLATE_ILLEGAL", TemplateMissing},
		{"40004", "MSG_TEMPLATE_NOT_EXIST", TemplateMissing},
		{"40004", "PUB.MSG_TEMPLATE_NOT_EXIST", TemplateMissing},
		{"40004", "USER_NOT_SUBSCRIBED", NotSubscribed},
		{"40004", "USER_TEMPLATE_LACK_KEYWORD", BadRequest},
		{"40004", "USER_KEYWORD_LENGTH_ERROR", BadRequest},
		{"40001", "isv.missing-method", BadRequest},
		{"40002", "isv.invalid-timestamp", BadRequest},
		{"40004", "INVALID_PARAMETER", BadRequest},
		{"40001", "isv.decryption-error", Auth},
		{"40004", "SOMETHING_NEW", BadRequest},
		{"99999", "", Permanent},
	} {
		if got := OpenPlatform(c.code, c.sub); got != c.want {
			t.Errorf("OpenPlatform(%q, %q) = %v, want %v", c.code, c.sub, got, c.want)
		}
	}
}

func TestAlipayPlus(t *testing.T) {
	for _, c := range []struct {
		status, code string
		want         Class
	}{
		{"S", "SUCCESS", 0},
		{"U", "UNKNOWN_EXCEPTION", Retryable},
		{"F", "REQUEST_TRAFFIC_EXCEED_LIMIT", RateLimited},
		{"F", "MESSAGE_SEND_EXCEED_LIMIT", RateLimited},
		{"F", "TEMPLATE_NOT_EXIST", TemplateMissing},
		{"F", "USER_NOT_SUBSCRIBED", NotSubscribed},
		{"F", "EXPIRED_ACCESS_TOKEN", NotSubscribed},
		{"F", "INVALID_ACCESS_TOKEN", NotSubscribed},
		{"F", "INVALID_SIGNATURE", Auth},
		{"F", "ACCESS_DENIED", Auth},
		{"F", "PARAM_ILLEGAL", BadRequest},
		{"F", "PROCESS_FAIL", Permanent},
	} {
		if got := AlipayPlus(c.status, c.code); got != c.want {
			t.Errorf("AlipayPlus(%q, %q) = %v, want %v", c.status, c.code, got, c.want)
		}
	}
}

func TestErrorKeepsAlipaysWords(t *testing.T) {
	e := &Error{Class: TemplateMissing, Code: "40004", Msg: "Business Failed", SubCode: "MSG_TEMPLATE_NOT_EXIST", SubMsg: "消息模板不存在"}
	if e.Reason() != "40004/MSG_TEMPLATE_NOT_EXIST" || !strings.Contains(e.Error(), "消息模板不存在") {
		t.Fatalf("%q / %q", e.Reason(), e.Error())
	}
	wrapped := &Error{Class: Retryable, Err: io.ErrUnexpectedEOF}
	if !errors.Is(wrapped, io.ErrUnexpectedEOF) || ClassOf(wrapped) != Retryable || ClassOf(io.EOF) != Retryable || ClassOf(nil) != 0 {
		t.Fatal("wrapping or ClassOf broken")
	}
	if !RateLimited.Retry() || Auth.Retry() {
		t.Fatal("Retry")
	}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, true},
		{&Error{Class: BadRequest, Code: "40004", Verified: true}, true},
		{&Error{Class: BadRequest, Code: "40004"}, false}, // nobody vouches for it
		{&Error{Class: Permanent, HTTPStatus: 404}, false},
		{&Error{Class: Auth, Code: "40002", Verified: true}, false},
		{&Error{Class: Retryable, Code: "20000", Verified: true}, false},
		{io.EOF, false},
	} {
		if got := ProvesCredentials(c.err) == nil; got != c.want {
			t.Errorf("ProvesCredentials(%v) proves = %v, want %v", c.err, got, c.want)
		}
	}
}
