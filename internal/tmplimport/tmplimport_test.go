package tmplimport

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func kw(pairs ...string) []Keyword {
	var out []Keyword
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, Keyword{Key: pairs[i], Label: pairs[i+1]})
	}
	return out
}

var tradeKeywords = kw("keyword1", "交易笔数", "keyword2", "交易金额")

func TestParseTemplateJSON(t *testing.T) {
	full := &Parsed{Title: "交易确认", Keywords: tradeKeywords, HasFirst: true, HasRemark: true, HasURL: true, HasActionName: true}
	noRemark := &Parsed{Title: "交易确认", Keywords: tradeKeywords, HasFirst: true, HasURL: true, HasActionName: true}
	claimed := *noRemark
	claimed.TemplateID = "7c866fab64464afaa956223c74ce6cbc"

	tests := []struct {
		name string
		in   string
		want *Parsed
	}{
		{"documented example", exampleTemplate, full},
		{"whitespace and BOM around", "\ufeff \n\t" + exampleTemplate + "\n\n  ", full},
		{"pretty printed", "{\n  \"title\": \"交易确认\",\n  \"key1\": \"交易笔数\",\n  \"value1\": \"${keyword1}\",\n  \"key2\": \"交易金额\",\n  \"value2\": \"${keyword2}\"\n}", &Parsed{Title: "交易确认", Keywords: tradeKeywords}},
		{
			"keys out of order sort by N",
			`{"value2":"${keyword2}","key10":"十","title":"t","value10":"${keyword10}","key2":"二","key1":"一","value1":"${keyword1}"}`,
			&Parsed{Title: "t", Keywords: kw("keyword1", "一", "keyword2", "二", "keyword10", "十")},
		},
		{"gaps in numbering", `{"key1":"a","value1":"${keyword1}","key3":"c","value3":"${keyword3}"}`, &Parsed{Keywords: kw("keyword1", "a", "keyword3", "c")}},
		{"alipay key differs from N", `{"key1":"金额","value1":"${amount}","key2":"时间","value2":"${paid_at}"}`, &Parsed{Keywords: kw("amount", "金额", "paid_at", "时间")}},
		{"placeholder with spaces and .DATA", `{"key1":"a","value1":" ${ keyword1 } ","key2":"b","value2":"{{keyword2.DATA}}"}`, &Parsed{Keywords: kw("keyword1", "a", "keyword2", "b")}},
		{"text around placeholder", `{"key1":"金额","value1":"${keyword1}元"}`, &Parsed{Keywords: kw("keyword1", "金额")}},
		{"labels trimmed", `{"key1":"  交易笔数 ","value1":"${keyword1}"}`, &Parsed{Keywords: kw("keyword1", "交易笔数")}},
		{"empty optional parts are absent", `{"title":"t","firstValue":"","remarkValue":" ","key1":"a","value1":"${keyword1}"}`, &Parsed{Title: "t", Keywords: kw("keyword1", "a")}},
		{"alternate action keys", `{"actionUrl":"${url}","actionName":"${actionName}","key1":"a","value1":"${keyword1}"}`, &Parsed{Keywords: kw("keyword1", "a"), HasURL: true, HasActionName: true}},
		{
			"unknown keys kept in Extra",
			`{"title":"t","headColor":"#85be53","image":{"url":"x", "w": 1},"n":5,"b":true,"z":null,"key":"not numbered","keyx1":"y","key1":"a","value1":"${keyword1}"}`,
			&Parsed{Title: "t", Keywords: kw("keyword1", "a"), Extra: map[string]string{
				"headColor": "#85be53", "image": `{"url":"x","w":1}`, "n": "5", "b": "true", "z": "null", "key": "not numbered", "keyx1": "y",
			}},
		},
		{"double-encoded string", strconv.Quote(exampleTemplate), full},
		{"triple-encoded string", strconv.Quote(strconv.Quote(exampleTemplate)), full},
		{"claim response", exampleClaimResponse, &claimed},
		{"claim response body only", `{"code":"10000","msg":"Success","template_id":"7c866fab64464afaa956223c74ce6cbc","template":` + strconv.Quote(exampleTemplate) + `}`, func() *Parsed { p := *full; p.TemplateID = claimed.TemplateID; return &p }()},
		{"template_id and template only", `{"template_id":"TM1","template":` + strconv.Quote(exampleTemplate) + `}`, func() *Parsed { p := *full; p.TemplateID = "TM1"; return &p }()},
		{"template as an object", `{"template_id":"TM1","template":` + exampleTemplate + `}`, func() *Parsed { p := *full; p.TemplateID = "TM1"; return &p }()},
		{"get response with msg_template_id", `{"alipay_open_public_template_message_get_response":{"code":10000,"msg_template_id":"TM2","template":` + strconv.Quote(exampleTemplate) + `}}`, func() *Parsed { p := *full; p.TemplateID = "TM2"; return &p }()},
		{"template without title", `{"key1":"a","value1":"${keyword1}"}`, &Parsed{Keywords: kw("keyword1", "a")}},
		{"twenty keywords", manyKeywords(20), &Parsed{Keywords: manyKeywordList(20)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestParseLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Parsed
	}{
		{"colon and equals with title", exampleLines, &Parsed{Title: "交易确认", Keywords: tradeKeywords}},
		{"console placeholders", exampleConsoleLines, &Parsed{Keywords: kw("keyword1", "交易金额", "keyword2", "交易时间"), HasFirst: true, HasRemark: true}},
		{"full-width colon", "keyword1：交易金额\nkeyword2 ： 交易时间", &Parsed{Keywords: kw("keyword1", "交易金额", "keyword2", "交易时间")}},
		{"tab separated", "keyword1\t交易金额\r\nkeyword2\t交易时间\r\n", &Parsed{Keywords: kw("keyword1", "交易金额", "keyword2", "交易时间")}},
		{"label then key", "交易金额：keyword1\n交易时间: keyword2", &Parsed{Keywords: kw("keyword1", "交易金额", "keyword2", "交易时间")}},
		{"label space placeholder", "交易金额 {{keyword1.DATA}}\n交易时间 ${keyword2}", &Parsed{Keywords: kw("keyword1", "交易金额", "keyword2", "交易时间")}},
		{"one line, many placeholders", "{{first.DATA}}交易金额：{{keyword1.DATA}}，交易时间：{{keyword2.DATA}}{{remark.DATA}}", &Parsed{Keywords: kw("keyword1", "交易金额", "keyword2", "交易时间"), HasFirst: true, HasRemark: true}},
		{"explicit title and comments", "# copied from console\ntitle: 订单通知\n\n// keywords\norderNo: 订单号\namount: 金额\n", &Parsed{Title: "订单通知", Keywords: kw("orderNo", "订单号", "amount", "金额")}},
		{"first and remark lines", "first: 开头\nkeyword1: a\nremark: 结尾", &Parsed{Keywords: kw("keyword1", "a"), HasFirst: true, HasRemark: true}},
		{"value with colon keeps rest", "keyword1: 时间: 北京", &Parsed{Keywords: kw("keyword1", "时间: 北京")}},
		{"leading blank lines", "\n\n  keyword1 = a  \n", &Parsed{Keywords: kw("keyword1", "a")}},
		{"twenty lines", manyLines(20), &Parsed{Keywords: manyKeywordList(20)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Error
	}{
		{"empty", "", Error{Reason: "input is empty"}},
		{"blank", " \n\t\ufeff ", Error{Reason: "input is empty"}},
		{"too large", strings.Repeat(" ", MaxInput+1), Error{Reason: "input is larger than 64 KiB"}},
		{"invalid utf-8", "keyword1: a\nkeyword2: \xff", Error{Line: 2, Column: 11, Reason: "input is not valid UTF-8 text"}},
		{"key without value", `{"key1":"a","value1":"${keyword1}","key3":"c"}`, Error{Field: "key3", Line: 1, Column: 43, Reason: "has no matching value3"}},
		{"value without key", `{"value2":"${keyword2}"}`, Error{Field: "value2", Line: 1, Column: 11, Reason: "has no matching key2"}},
		{"empty placeholder", `{"key2":"b","value2":"${}"}`, Error{Field: "value2", Line: 1, Column: 22, Reason: `"${}" names no keyword`}},
		{"not a placeholder", `{"key1":"a","value1":"keyword1"}`, Error{Field: "value1", Line: 1, Column: 22, Reason: `"keyword1" is not a ${keyword} placeholder`}},
		{"two placeholders", `{"key1":"a","value1":"${a}${b}"}`, Error{Field: "value1", Line: 1, Column: 22, Reason: `"${a}${b}" holds 2 placeholders, want one`}},
		{"unterminated placeholder", `{"key1":"a","value1":"${keyword1"}`, Error{Field: "value1", Line: 1, Column: 22, Reason: `"${keyword1" has an unterminated placeholder`}},
		{"invalid keyword name", `{"key1":"a","value1":"${1abc}"}`, Error{Field: "value1", Line: 1, Column: 22, Reason: `"${1abc}" names keyword "1abc", which ` + keyRule}},
		{"duplicate keyword", `{"key1":"a","value1":"${keyword1}","key2":"b","value2":"${keyword1}"}`, Error{Field: "value2", Line: 1, Column: 56, Reason: `repeats keyword "keyword1" of value1`}},
		{"empty label", `{"key1":" ","value1":"${keyword1}"}`, Error{Field: "key1", Line: 1, Column: 9, Reason: "has an empty label"}},
		{"control characters in label", `{"key1":"a\u0000b","value1":"${keyword1}"}`, Error{Field: "key1", Line: 1, Column: 9, Reason: "has a label with control characters"}},
		{"label too long", `{"key1":"` + strings.Repeat("长", 65) + `","value1":"${keyword1}"}`, Error{Field: "key1", Line: 1, Column: 9, Reason: "has a label longer than 64 characters"}},
		{"title too long", `{"title":"` + strings.Repeat("长", 129) + `","key1":"a","value1":"${keyword1}"}`, Error{Field: "title", Line: 1, Column: 10, Reason: "is longer than 128 characters"}},
		{"title with control characters", `{"title":"a\nb","key1":"a","value1":"${keyword1}"}`, Error{Field: "title", Line: 1, Column: 10, Reason: "contains control characters"}},
		{"line title too long", strings.Repeat("长", 129) + "\nkeyword1: a", Error{Field: "title", Line: 1, Column: 1, Reason: "is longer than 128 characters"}},
		{"key not a string", `{"key1":5,"value1":"${keyword1}"}`, Error{Field: "key1", Line: 1, Column: 9, Reason: "is a number, want a string"}},
		{"title not a string", `{"title":["x"],"key1":"a","value1":"${keyword1}"}`, Error{Field: "title", Line: 1, Column: 10, Reason: "is an array, want a string"}},
		{"flag not a string", `{"firstValue":true,"key1":"a","value1":"${keyword1}"}`, Error{Field: "firstValue", Line: 1, Column: 15, Reason: "is a boolean, want a string"}},
		{"key0", `{"key0":"a","value0":"${keyword0}"}`, Error{Field: "key0", Line: 1, Column: 2, Reason: "is numbered 0; keyword numbers start at 1"}},
		{"leading zero", `{"key01":"a","value01":"${keyword1}"}`, Error{Field: "key01", Line: 1, Column: 2, Reason: "has a keyword number with a leading zero"}},
		{"huge number", `{"key12345":"a"}`, Error{Field: "key12345", Line: 1, Column: 2, Reason: "has a keyword number over 999"}},
		{"too many keywords", manyKeywords(21), Error{Reason: "has 21 keywords, more than the 20 allowed"}},
		{"no keywords", `{"title":"交易确认"}`, Error{Reason: `has no keywords: want "key1"/"value1" pairs as in the Life Account template JSON`}},
		{"unrelated object", `{"a":1}`, Error{Reason: `has no keywords: want "key1"/"value1" pairs as in the Life Account template JSON`}},
		{"duplicate json key", "{\"key1\":\"a\",\n \"key1\":\"b\"}", Error{Field: "key1", Line: 2, Column: 2, Reason: "appears twice in the same object"}},
		{"syntax error", "{\"key1\":\"a\",\n \"value1\" \"${keyword1}\"}", Error{Line: 2, Column: 11, Reason: "input is not valid JSON: expected colon after object key"}},
		{"scanner syntax error", `{"key1":"a",,"value1":"${keyword1}"}`, Error{Line: 1, Column: 13, Reason: "input is not valid JSON: invalid character ',' looking for beginning of object key string"}},
		{"swap only for labels", "k-1: keyword1", Error{Line: 1, Column: 1, Reason: `"k-1" is not a keyword key: a key ` + keyRule}},
		{"truncated", `{"key1":"a","value1":`, Error{Line: 1, Column: 22, Reason: "input is not valid JSON: it ends too early"}},
		{"trailing text", `{"key1":"a","value1":"${keyword1}"} extra`, Error{Line: 1, Column: 37, Reason: "has unexpected text after the JSON object"}},
		{"array", `[{"name":"交易金额"}]`, Error{Line: 1, Column: 1, Reason: "input is a JSON array, want a JSON object"}},
		{"string holding non-JSON", `"hello"`, Error{Line: 1, Column: 1, Reason: "input is a JSON string that does not hold a template JSON object"}},
		{"broken string", `"abc`, Error{Line: 1, Column: 1, Reason: `input starts with '"' but is not one valid JSON string`}},
		{"claim failure", exampleClaimFailure, Error{Field: "code", Line: 3, Column: 17, Reason: `reports a failure, not a template: "20000" "Service Currently Unavailable" ("isp.unknow-error" "系统繁忙")`}},
		{"error_response", `{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id"},"sign":"x"}`, Error{Field: "code", Line: 1, Column: 19, Reason: `reports a failure, not a template: "40002" "Invalid Arguments" ("isv.invalid-app-id")`}},
		{"claim without template", `{"code":"10000","msg":"Success","template_id":"TM1"}`, Error{Field: "template", Reason: "is missing: the response carries no template details to import"}},
		{"template is a number", `{"template_id":"TM1","template":5}`, Error{Field: "template", Line: 1, Column: 33, Reason: "is a number, want a JSON object or a string holding one"}},
		{"template string not JSON", `{"template_id":"TM1","template":"交易确认"}`, Error{Field: "template", Line: 1, Column: 33, Reason: "is not a template JSON object"}},
		{
			"error inside template string points at the string",
			"{\"template_id\":\"TM1\",\n  \"template\":\"{\\\"key1\\\":\\\"a\\\"}\"}",
			Error{Field: "key1", Line: 2, Column: 14, Reason: "has no matching value1"},
		},
		{"nested object error keeps exact position", "{\"template\":{\n\"key1\":\"a\"}}", Error{Field: "key1", Line: 2, Column: 8, Reason: "has no matching value1"}},
		{"too deep", strconv.Quote(strconv.Quote(strconv.Quote(strconv.Quote(strconv.Quote(exampleTemplate))))), Error{Line: 1, Column: 1, Reason: "input nests templates too deeply"}},
		// Format B
		{"prose", "hello world", Error{Reason: `is neither template JSON nor keyword lines: paste the template JSON, or lines like "keyword1: 交易金额" or "交易金额 {{keyword1.DATA}}"`}},
		{"second bare line", "标题\n不是关键词", Error{Line: 2, Column: 1, Reason: `"不是关键词" is not a keyword line: want "keyword1: 交易金额" or "交易金额 {{keyword1.DATA}}"`}},
		{"bad key in line", "keyword1: a\n交易 金额: 交易 时间", Error{Line: 2, Column: 1, Reason: `"交易 金额" is not a keyword key: a key ` + keyRule}},
		{"bad placeholder name", "金额 {{key-1.DATA}}", Error{Line: 1, Column: 4, Reason: `"key-1" is not a keyword key: a key ` + keyRule}},
		{"empty placeholder line", "金额 {{.DATA}}", Error{Line: 1, Column: 4, Reason: `"{{.DATA}}" names no keyword`}},
		{"unterminated placeholder line", "金额 {{keyword1.DATA", Error{Line: 1, Column: 4, Reason: `"{{keyword1.DATA" has an unterminated placeholder`}},
		{"missing label", "keyword1:", Error{Field: "keyword1", Line: 1, Column: 1, Reason: "has an empty label"}},
		{"placeholder without label", "{{keyword1.DATA}}", Error{Field: "keyword1", Line: 1, Column: 1, Reason: "has an empty label"}},
		{"duplicate line key", "keyword1: a\n  keyword1: b", Error{Field: "keyword1", Line: 2, Column: 3, Reason: "is defined twice (lines 1 and 2)"}},
		{"too many lines", manyLines(21), Error{Field: "k21", Line: 21, Column: 1, Reason: "is one keyword more than the 20 allowed"}},
		{"key too long", strings.Repeat("k", 33) + ": a", Error{Line: 1, Column: 1, Reason: `"` + strings.Repeat("k", 33) + `" is not a keyword key: a key ` + keyRule}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse = %+v, want error", got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if *e != tt.want {
				t.Errorf("error =\n %#v\nwant\n %#v", *e, tt.want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{Field: "key3", Line: 1, Column: 40, Reason: "has no matching value3"}, "import template: line 1, column 40: key3 has no matching value3"},
		{Error{Field: "value2", Line: 2, Column: 3, Reason: `"${}" names no keyword`}, `import template: line 2, column 3: value2 "${}" names no keyword`},
		{Error{Reason: "input is empty"}, "import template: input is empty"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// Long operator input is shortened in messages.
func TestErrorQuotesAreBounded(t *testing.T) {
	_, err := Parse(`{"key1":"a","value1":"` + strings.Repeat("x", 10000) + `"}`)
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("error too long or missing: %d bytes", len(err.Error()))
	}
}

func manyKeywords(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(",")
		}
		s := strconv.Itoa(i)
		b.WriteString(`"key` + s + `":"标签` + s + `","value` + s + `":"${keyword` + s + `}"`)
	}
	b.WriteString("}")
	return b.String()
}

func manyKeywordList(n int) []Keyword {
	var out []Keyword
	for i := 1; i <= n; i++ {
		s := strconv.Itoa(i)
		out = append(out, Keyword{Key: "keyword" + s, Label: "标签" + s})
	}
	return out
}

func manyLines(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		s := strconv.Itoa(i)
		if i == 21 {
			b.WriteString("k21: 标签21\n")
			continue
		}
		b.WriteString("keyword" + s + ": 标签" + s + "\n")
	}
	return b.String()
}
