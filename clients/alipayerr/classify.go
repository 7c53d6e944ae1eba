package alipayerr

import "strings"

// Open Platform sub codes by class (§1.9, §2 of the protocol notes). Codes are compared
// case-insensitively and with an optional "PUB." prefix, as Life Account codes carry one.
var (
	templateMissingSubCodes = set("USER_TEMPLATE_ILLEGAL", "MSG_TEMPLATE_NOT_EXIST", "TEMPLATE_NOT_EXIST")
	notSubscribedSubCodes   = set("USER_NOT_SUBSCRIBED", "EXPIRED_ACCESS_TOKEN", "INVALID_ACCESS_TOKEN", "USER_UNSUBSCRIBED", "USER_NOT_FOLLOW")
	badRequestSubCodes      = set("USER_TEMPLATE_LACK_KEYWORD", "USER_KEYWORD_LENGTH_ERROR", "FORM_ID_NOT_MATCH_APPID", "INVALID_PARAMETER", "ILLEGAL_ARGUMENT_PARAMS")
	authSubCodes            = set("ISV.INVALID-SIGNATURE", "ISV.INVALID-APP-ID", "ISV.MISSING-ENCRYPT-KEY",
		"ISV.INVALID-SIGNATURE-TYPE", "ISV.DECRYPTION-ERROR-MISSING-ENCRYPT-TYPE", "ISV.MISSING-SIGNATURE",
		"ISV.MISSING-APP-ID", "ISV.INVALID-APP-STATE", "ISV.DECRYPTION-ERROR", "ISV.APP-CERT-SN-ERROR", "ISV.ALIPAY-ROOT-CERT-SN-ERROR")
	rateLimitedSubCodes = set("REQUEST_TRAFFIC_EXCEED_LIMIT", "MESSAGE_SEND_EXCEED_LIMIT", "PUB.MSG_BATCH_SD_OVER", "ACQ.SYSTEM_ERROR_LIMIT")
	// Alipay+ result codes that mean the merchant's signature or access is wrong.
	plusAuthCodes = set("INVALID_SIGNATURE", "ACCESS_DENIED", "INVALID_CLIENT", "INVALID_AUTH_CLIENT",
		"KEY_NOT_FOUND", "INVALID_API", "NO_INTERFACE_DEF", "INVALID_CLIENT_STATUS", "UNKNOWN_CLIENT")
)

// OpenPlatform classifies a gateway.do business answer (code, sub_code). It returns 0 for
// success (10000).
func OpenPlatform(code, subCode string) Class {
	sub := normalize(subCode)
	switch {
	case code == "10000":
		return 0
	case templateMissingSubCodes[sub]:
		return TemplateMissing
	case notSubscribedSubCodes[sub]:
		return NotSubscribed
	case rateLimitedSubCodes[sub] || code == "40005":
		return RateLimited
	case authSubCodes[sub] || code == "40006" || code == "20001":
		return Auth
	case code == "20000" || strings.HasPrefix(sub, "ISP."):
		return Retryable
	case badRequestSubCodes[sub] || code == "40001" || code == "40002" || code == "40004":
		// Issue 3's taxonomy: other 40001/40004 answers are bad request data (the raw
		// codes are kept); only codes outside the documented ones are "permanent".
		return BadRequest
	}
	return Permanent
}

// AlipayPlus classifies an Alipay+ result (resultStatus, resultCode). It returns 0 for S
// (and A, "accepted", which some wallets use).
func AlipayPlus(status, resultCode string) Class {
	rc := normalize(resultCode)
	switch {
	case status == "S" || status == "A":
		return 0
	case status == "U" || rc == "UNKNOWN_EXCEPTION":
		return Retryable
	case templateMissingSubCodes[rc]:
		return TemplateMissing
	case notSubscribedSubCodes[rc]:
		return NotSubscribed
	case rateLimitedSubCodes[rc]:
		return RateLimited
	case plusAuthCodes[rc]:
		return Auth
	case rc == "PARAM_ILLEGAL" || badRequestSubCodes[rc]:
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

func normalize(code string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	if strings.HasPrefix(c, "PUB.") && !rateLimitedSubCodes[c] {
		c = strings.TrimPrefix(c, "PUB.")
	}
	return c
}

func set(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}
