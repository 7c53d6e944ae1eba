package tmplimport

// Examples shared by the unit tests and the fuzz seed corpus.
const (
	// The template JSON from the claim API documentation, plus remarkValue.
	exampleTemplate = `{"title": "交易确认","actionUrl1": "${url}","actionName1": "${actionName}","firstValue": "${first}","key1": "交易笔数","value1": "${keyword1}","key2": "交易金额","value2": "${keyword2}", "remarkValue":"${remark}"}`

	// The claim API's documented success response: the template is a JSON
	// string inside it.
	exampleClaimResponse = `{
    "alipay_open_public_template_message_add_response": {
        "code": "10000",
        "msg": "Success",
        "template_id": "7c866fab64464afaa956223c74ce6cbc",
        "template": "{\"title\": \"交易确认\",\"actionUrl1\": \"${url}\",\"actionName1\": \"${actionName}\",\"firstValue\": \"${first}\",\"key1\": \"交易笔数\",\"value1\": \"${keyword1}\",\"key2\": \"交易金额\",\"value2\": \"${keyword2}\"}"
    },
    "sign": "ERITJKEIJKJHKKKKKKKHJEREEEEEEEEEEE"
}`

	// The claim API's documented failure response.
	exampleClaimFailure = `{
    "alipay_open_public_template_message_add_response": {
        "code": "20000",
        "msg": "Service Currently Unavailable",
        "sub_code": "isp.unknow-error",
        "sub_msg": "系统繁忙"
    },
    "sign": "ERITJKEIJKJHKKKKKKKHJEREEEEEEEEEEE"
}`

	exampleLines = "交易确认\nkeyword1: 交易笔数\nkeyword2=交易金额\n"

	exampleConsoleLines = "{{first.DATA}}\n交易金额：{{keyword1.DATA}}\n交易时间：{{keyword2.DATA}}\n{{remark.DATA}}\n"
)
