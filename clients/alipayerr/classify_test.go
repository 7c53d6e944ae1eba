package alipayerr

import (
	"errors"
	"io"
	"strings"
	"testing"
	"unicode"
)

// Every §6.1/§6.2 code by the class it must get, restated here rather than read from the
// tables so that a code dropped from a table fails. Each is also tried with "PUB.", lower
// and mixed case.
var codesByClass = map[Class][]string{
	TemplateMissing: {"MSG_TEMPLATE_NOT_EXIST", "TEMPLATE_NOT_EXIST", "MSG_TEMPLATE_INVALID", "MSG_TEMPLATE_ID_INVALID",
		"MSG_TEMPLATE_ID_VALID", "USER_TEMPLATE_ILLEGAL", "TEMPLATE_ILLEGAL", "USER_TEMPLATE_STATUS_ILLEGAL"},
	NotSubscribed: {"MSG_UNSUBSCRIBED", "MSG_UNAUTHORIZED", "MSG_REJECTED", "MSG_CONTENT_NOT_INTERESTED",
		"NO_RECENT_VISIT_RECORD", "NO_PLACE_ORDER_RECORD", "MSG_SD_NOFOLLOW", "UNFOLLOW_REFUSE_RECOMMONED",
		"TYPEATEMPLATE_SWITCH_UNSUBSCRIBED", "USER_UNSUBSCRIBED", "USER_NOT_FOLLOW", "USER_NOT_SUBSCRIBED",
		"EXPIRED_ACCESS_TOKEN", "INVALID_ACCESS_TOKEN",
		"invalid-subscribe-relations", "isv.invalid-subscribe-relations", "aop.invalid-subscribe-relations"},
	RateLimited: {"isv.app-call-limited", "isv.method-call-limited", "app-auth-invoke-limit",
		"isv.app-auth-invoke-limit", "aop.app-auth-invoke-limit", "MSG_SINGLE_SD_OVER", "MSG_BATCH_SD_OVER",
		"REQUEST_TRAFFIC_EXCEED_LIMIT", "MESSAGE_SEND_EXCEED_LIMIT", "ACQ.SYSTEM_ERROR_LIMIT"},
	Retryable: {"isp.unknow-error", "aop.unknow-error", "SYSTEM_ERROR", "MSG_SEND_ERROR", "QUERY_CONSUMER_REQEUST_ERROR",
		"isp.something-new"},
	Auth: {"isv.invalid-signature", "isv.invalid-app-id", "isv.missing-encrypt-key", "isv.invalid-signature-type",
		"isv.decryption-error-missing-encrypt-type", "isv.missing-signature", "isv.missing-app-id",
		"isv.invalid-app-state", "isv.decryption-error", "isv.app-cert-sn-error", "isv.alipay-root-cert-sn-error",
		"APP_NO_AVAIABLE", "APP_TYPE_ERROR", "NO_BIND_PUBLIC_APP", "MESSAGE_SEND_AUTH_ERROR",
		"app-api-punished", "isv.app-api-punished", "aop.app-api-punished"},
	BadRequest: {"USER_TEMPLATE_LACK_KEYWORD", "USER_KEYWORD_LENGTH_ERROR", "MESSAGE_TEMPLATE_KEYWORD_ILLEGAL",
		"MSG_TEMPLATE_KEY_INVALID", "MSG_TEMPLATE_CONTEXT_LACK_KEY", "MSG_TEMPLATE_NOT_STARTED",
		"DATA_CONTENT_FORMAT_ERROR", "DATA_IS_EMPTY", "MSG_TYPE_ILLEGAL", "BIZ_CONTENT_FORMAT_ERROR",
		"BIZ_CONTENT_IS_NULL", "ILLEGAL_ARGUMENT_PARAMS", "INVALID_PARAMETER", "PAGE_OVER_LIMIT",
		"USER_ID_INVALID", "OPENID_INVALID", "OPEN_ID_IS_ILLEGAL", "FORM_ID_INVALID", "FORM_ID_OVER_TIME",
		"FORM_ID_NOT_MATCH_APPID", "TRADE_NO_NOT_MATCH_USERID", "SUBSCRIBE_TEMPLATE_OVER_LIMIT",
		"illegal-timestamp", "isv.illegal-timestamp", "aop.illegal-timestamp"},
	Permanent: {"MSG_SEND_FORBIDDEN", "MSG_SEND_ILLEGAL", "DATA_SENSITIVE",
		"exceed-api-balance", "isv.exceed-api-balance", "aop.exceed-api-balance"},
}

// spellings returns code as given, with "PUB.", in lower case and in alternating case.
func spellings(code string) []string {
	mixed := []rune(code)
	for i, r := range mixed {
		if i%2 == 0 {
			mixed[i] = unicode.ToLower(r)
		} else {
			mixed[i] = unicode.ToUpper(r)
		}
	}
	return []string{code, "PUB." + code, "pub." + strings.ToLower(code), strings.ToLower(code), string(mixed),
		" " + code + " "}
}

// TestEveryDocumentedCode: each §6.1/§6.2 code gets its class under 40004 (where Life Account
// and mini-program business codes come), under 40006 and 20001 (a known sub code decides,
// not the code), and — the Open Platform code names that Alipay+ shares — as an Alipay+ F.
func TestEveryDocumentedCode(t *testing.T) {
	for class, codes := range codesByClass {
		for _, code := range codes {
			for _, sp := range spellings(code) {
				for _, gwCode := range []string{"40004", "40006", "20001", "40003", "40002"} {
					want := class
					if code == "isp.something-new" && (gwCode == "40006" || gwCode == "20001") {
						want = Auth // an unknown isp.* code does not outweigh the code; a known one would
					}
					if got := OpenPlatform(gwCode, sp); got != want {
						t.Errorf("OpenPlatform(%q, %q) = %v, want %v", gwCode, sp, got, want)
					}
				}
			}
		}
	}
}

func TestAlipayPlusSharedCodes(t *testing.T) {
	for _, class := range []Class{TemplateMissing, NotSubscribed, RateLimited, BadRequest} {
		for _, code := range codesByClass[class] {
			for _, sp := range spellings(code) {
				if got := AlipayPlus("F", sp); got != class {
					t.Errorf("AlipayPlus(F, %q) = %v, want %v", sp, got, class)
				}
			}
		}
	}
}

// TestCodeDecides: 40005 and 20000 decide whatever the sub code says.
func TestCodeDecides(t *testing.T) {
	for _, sub := range []string{"", "isv.app-call-limited", "isv.method-call-limited", "MSG_TEMPLATE_NOT_EXIST", "USER_NOT_SUBSCRIBED", "SOMETHING"} {
		if got := OpenPlatform("40005", sub); got != RateLimited {
			t.Errorf("OpenPlatform(40005, %q) = %v", sub, got)
		}
	}
	for _, sub := range []string{"", "isp.unknow-error", "aop.unknow-error", "MSG_TEMPLATE_NOT_EXIST", "isv.invalid-signature"} {
		if got := OpenPlatform("20000", sub); got != Retryable {
			t.Errorf("OpenPlatform(20000, %q) = %v", sub, got)
		}
	}
	for _, c := range []struct {
		code string
		want Class
	}{{"40006", Auth}, {"20001", Auth}, {"40001", BadRequest}, {"40002", BadRequest}, {"40004", BadRequest}, {"40003", Permanent}, {"99999", Permanent}} {
		if got := OpenPlatform(c.code, "SOMETHING_NEW"); got != c.want {
			t.Errorf("OpenPlatform(%q, SOMETHING_NEW) = %v, want %v", c.code, got, c.want)
		}
	}
}

// TestTablesDisjoint: no code is in two tables, so the order of the checks cannot matter.
func TestTablesDisjoint(t *testing.T) {
	tables := map[string]codeSet{"templateMissing": templateMissingCodes, "notSubscribed": notSubscribedCodes,
		"rateLimited": rateLimitedCodes, "retryable": retryableCodes, "auth": authCodes, "permanent": permanentCodes,
		"badRequest": badRequestCodes}
	seen := map[string]string{}
	for name, tab := range tables {
		for code := range tab {
			if code != normalize(code) {
				t.Errorf("%s: %q is not normalized", name, code)
			}
			if other, dup := seen[code]; dup {
				t.Errorf("%q in both %s and %s", code, other, name)
			}
			seen[code] = name
		}
	}
}

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
		{"40004", "SYSTEM_ERROR", Retryable},
		{"40004", "pub.msg_sd_nofollow", NotSubscribed},
		{"40004", "MSG_SEND_FORBIDDEN", Permanent},
		{"40006", "isv.exceed-api-balance", Permanent},
		{"40006", "isv.invalid-subscribe-relations", NotSubscribed},
		{"40005", "isv.app-call-limited", RateLimited},
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
		{"U", "REQUEST_TRAFFIC_EXCEED_LIMIT", RateLimited}, // §6.1: U on some wallets
		{"U", "MESSAGE_SEND_EXCEED_LIMIT", RateLimited},
		{"U", "TEMPLATE_NOT_EXIST", Retryable},
		{"F", "UNKNOWN_EXCEPTION", Retryable},
		{"F", "SYSTEM_ERROR", Permanent}, // F is Alipay+'s definite failure; unknown is U
		{"F", "INVALID_CLIENT", Auth},
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
