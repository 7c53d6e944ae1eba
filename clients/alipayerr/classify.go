package alipayerr

import "strings"

// Code tables by class (§1.9, §2, §4.4–4.6, §6 of the protocol notes). Codes are stored upper
// case and compared case-insensitively; a "PUB." prefix (Life Account answers carry one, §6.2)
// is ignored, so every name below also matches with it. Gateway names from the v3
// CommonErrorType (§6.2, "More gateway codes") are listed through gw, which also accepts them
// as the isv./aop. sub codes v1 answers use.
var (
	// Template gone or invalid at Alipay (§2.1, §2.3, §6.2 "never" lists): the template must be
	// claimed or configured again; sending the same template cannot succeed. USER_TEMPLATE_ILLEGAL
	// is what the live gateway answers for a template that does not exist (§2.1).
	// MSG_TEMPLATE_ID_VALID is Alipay's own spelling. MSG_TEMPLATE_NOT_STARTED is not here: the
	// template exists but is not active yet (BadRequest).
	templateMissingCodes = set(
		"MSG_TEMPLATE_NOT_EXIST", "TEMPLATE_NOT_EXIST", "MSG_TEMPLATE_INVALID", "MSG_TEMPLATE_ID_INVALID",
		"MSG_TEMPLATE_ID_VALID", "USER_TEMPLATE_ILLEGAL", "TEMPLATE_ILLEGAL", "USER_TEMPLATE_STATUS_ILLEGAL")

	// The recipient cannot receive it until the user acts (§6.2 "only after the user acts": not
	// subscribed, one-time quota used, refused, not following the Life Account; §4.5
	// USER_NOT_SUBSCRIBED; §4.4 the Alipay+ user token is expired or invalid, see TokenExpired).
	notSubscribedCodes = set(
		// mini-program templatemessage.send (§6.2)
		"MSG_UNSUBSCRIBED", "MSG_UNAUTHORIZED", "MSG_REJECTED", "MSG_CONTENT_NOT_INTERESTED",
		"NO_RECENT_VISIT_RECORD", "NO_PLACE_ORDER_RECORD",
		// Life Account single.send (§6.2, §6.4)
		"MSG_SD_NOFOLLOW", "UNFOLLOW_REFUSE_RECOMMONED", "TYPEATEMPLATE_SWITCH_UNSUBSCRIBED",
		"USER_UNSUBSCRIBED", "USER_NOT_FOLLOW",
		// Alipay+ (§4.4, §4.5)
		"USER_NOT_SUBSCRIBED", "EXPIRED_ACCESS_TOKEN", "INVALID_ACCESS_TOKEN",
	).add(gw("invalid-subscribe-relations")...) // gateway (§6.2 "More gateway codes")

	// Alipay throttled the call (§6.1): 40005 with any sub code (matched on the code), per-app and
	// per-API gateway limits, the per-user and group-send caps, and Alipay+'s traffic and
	// frequency limits (REQUEST_TRAFFIC_EXCEED_LIMIT even when its status is U, §6.1).
	rateLimitedCodes = set(
		"MSG_SINGLE_SD_OVER", "MSG_BATCH_SD_OVER", // templatemessage.send / single.send, total.send
		"REQUEST_TRAFFIC_EXCEED_LIMIT", "MESSAGE_SEND_EXCEED_LIMIT", // Alipay+
		"ACQ.SYSTEM_ERROR_LIMIT",
	).add(gw("app-call-limited", "method-call-limited", "app-auth-invoke-limit")...)

	// Transient: Alipay failed on its side and the outcome is unknown (§1.9 20000, §6.2 "maybe
	// transient"/"transient", §6.3). 20000 is matched on the code, any isp.* sub code by prefix.
	retryableCodes = set("ISP.UNKNOW-ERROR", "AOP.UNKNOW-ERROR",
		"SYSTEM_ERROR", "MSG_SEND_ERROR", "QUERY_CONSUMER_REQEUST_ERROR")

	// The channel's credentials or configuration are refused (§1.9 signature, app id, keys,
	// certificates, app state; 40006 and 20001 are matched on the code), and §6.2's "never"
	// codes that only the app's configuration at Alipay can fix: the app is unavailable or of the
	// wrong type, no Life Account is bound, sending is not authorised, the app is punished.
	authCodes = set(
		"ISV.INVALID-SIGNATURE", "ISV.INVALID-APP-ID", "ISV.MISSING-ENCRYPT-KEY", "ISV.INVALID-SIGNATURE-TYPE",
		"ISV.DECRYPTION-ERROR-MISSING-ENCRYPT-TYPE", "ISV.MISSING-SIGNATURE", "ISV.MISSING-APP-ID",
		"ISV.INVALID-APP-STATE", "ISV.DECRYPTION-ERROR", "ISV.APP-CERT-SN-ERROR", "ISV.ALIPAY-ROOT-CERT-SN-ERROR",
		"APP_NO_AVAIABLE", "APP_TYPE_ERROR", "NO_BIND_PUBLIC_APP", "MESSAGE_SEND_AUTH_ERROR",
	).add(gw("app-api-punished")...)

	// Final without being about the request's data (§6.2).
	// Content policy (MSG_SEND_FORBIDDEN, MSG_SEND_ILLEGAL, DATA_SENSITIVE): the request is well
	// formed and Alipay's content screening refused what it says. Resending cannot help, and
	// Alipay names neither the offending text nor (for MSG_SEND_*) whether the content or the
	// sender's right to send is at fault, so this is not reported as BadRequest, which promises
	// a malformed request the caller can correct. exceed-api-balance: the app's paid API quota is
	// used up, a billing matter outside the request.
	permanentCodes = set("MSG_SEND_FORBIDDEN", "MSG_SEND_ILLEGAL", "DATA_SENSITIVE").add(gw("exceed-api-balance")...)

	// The request data is wrong (§2.1, §6.2 "never" lists): template keywords and data, format,
	// recipient ids, page, legacy form ids, query limits, timestamp. Other 40001/40002/40004
	// answers are BadRequest too (matched on the code).
	badRequestCodes = set(
		// keywords and data
		"USER_TEMPLATE_LACK_KEYWORD", "USER_KEYWORD_LENGTH_ERROR", "MESSAGE_TEMPLATE_KEYWORD_ILLEGAL",
		"MSG_TEMPLATE_KEY_INVALID", "MSG_TEMPLATE_CONTEXT_LACK_KEY", "MSG_TEMPLATE_NOT_STARTED",
		"DATA_CONTENT_FORMAT_ERROR", "DATA_IS_EMPTY", "MSG_TYPE_ILLEGAL",
		// request format
		"BIZ_CONTENT_FORMAT_ERROR", "BIZ_CONTENT_IS_NULL", "ILLEGAL_ARGUMENT_PARAMS", "INVALID_PARAMETER", "PAGE_OVER_LIMIT",
		// recipient
		"USER_ID_INVALID", "OPENID_INVALID", "OPEN_ID_IS_ILLEGAL",
		// legacy form ids (§2.1)
		"FORM_ID_INVALID", "FORM_ID_OVER_TIME", "FORM_ID_NOT_MATCH_APPID", "TRADE_NO_NOT_MATCH_USERID",
		// subscribe.query takes at most 3 template ids
		"SUBSCRIBE_TEMPLATE_OVER_LIMIT",
	).add(gw("illegal-timestamp")...)

	// Alipay+ result codes that mean the merchant's signature or access is wrong (§4.4, §4.6).
	plusAuthCodes = set("INVALID_SIGNATURE", "ACCESS_DENIED", "INVALID_CLIENT", "INVALID_AUTH_CLIENT",
		"KEY_NOT_FOUND", "INVALID_API", "NO_INTERFACE_DEF", "INVALID_CLIENT_STATUS", "UNKNOWN_CLIENT")
)

// OpenPlatform classifies a gateway.do business answer (code, sub_code). It returns 0 for
// success (10000). 40005 (rate limited) and 20000 (service unavailable) decide on the code
// whatever the sub code; otherwise a known sub code decides, then the code: 40006 and 20001
// are Auth, an isp.* sub code Retryable, other 40001/40002/40004 answers BadRequest, and the
// rest Permanent.
func OpenPlatform(code, subCode string) Class {
	code = strings.TrimSpace(code)
	sub := normalize(subCode)
	switch {
	case code == "10000":
		return 0
	case code == "40005":
		return RateLimited
	case code == "20000":
		return Retryable
	case templateMissingCodes[sub]:
		return TemplateMissing
	case notSubscribedCodes[sub]:
		return NotSubscribed
	case rateLimitedCodes[sub]:
		return RateLimited
	case authCodes[sub]:
		return Auth
	case retryableCodes[sub]:
		return Retryable
	case permanentCodes[sub]:
		return Permanent
	case badRequestCodes[sub]:
		return BadRequest
	case code == "40006" || code == "20001":
		return Auth
	case strings.HasPrefix(sub, "ISP."):
		return Retryable
	case code == "40001" || code == "40002" || code == "40004":
		// Issue 3's taxonomy: other 40001/40002/40004 answers are bad request data (the raw
		// codes are kept); only codes outside the documented ones are "permanent".
		return BadRequest
	}
	return Permanent
}

// AlipayPlus classifies an Alipay+ result (resultStatus, resultCode). It returns 0 for S
// (and A, "accepted", which some wallets use). A rate-limit code is RateLimited whatever the
// status (some wallets answer REQUEST_TRAFFIC_EXCEED_LIMIT with U, §6.1); any other U is
// Retryable (§4.4).
func AlipayPlus(status, resultCode string) Class {
	rc := normalize(resultCode)
	switch {
	case status == "S" || status == "A":
		return 0
	case rateLimitedCodes[rc]:
		return RateLimited
	case status == "U" || rc == "UNKNOWN_EXCEPTION":
		return Retryable
	case templateMissingCodes[rc]:
		return TemplateMissing
	case notSubscribedCodes[rc]:
		return NotSubscribed
	case plusAuthCodes[rc]:
		return Auth
	case rc == "PARAM_ILLEGAL" || badRequestCodes[rc]:
		return BadRequest
	}
	return Permanent
}

// HTTP classifies an unexpected HTTP status.
func HTTP(status int) Class {
	switch {
	case status == 429:
		return RateLimited
	case status >= 500, status == 408:
		return Retryable
	}
	// Alipay answers errors in the body with HTTP 200, so a 401/403 comes from something in
	// between (a proxy, a wrong URL): it says nothing about the credentials.
	return Permanent
}

// normalize upper-cases code and drops a "PUB." prefix.
func normalize(code string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(code)), "PUB.")
}

type codeSet map[string]bool

func set(codes ...string) codeSet {
	return codeSet{}.add(codes...)
}

func (s codeSet) add(codes ...string) codeSet {
	for _, c := range codes {
		s[strings.ToUpper(c)] = true
	}
	return s
}

// gw expands v3 gateway names (§6.2 "More gateway codes", e.g. "app-api-punished") into the
// forms a v1 answer may carry: bare, and as an isv. or aop. sub code.
func gw(names ...string) []string {
	out := make([]string, 0, 3*len(names))
	for _, n := range names {
		out = append(out, n, "isv."+n, "aop."+n)
	}
	return out
}
