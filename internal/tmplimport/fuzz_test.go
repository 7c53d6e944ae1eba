package tmplimport

import (
	"errors"
	"strconv"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		exampleTemplate,
		strconv.Quote(exampleTemplate),
		exampleClaimResponse,
		exampleClaimFailure,
		exampleLines,
		exampleConsoleLines,
		`{"template_id":"TM1","template":` + exampleTemplate + `}`,
		`{"key1":"a","value1":"${}"}`,
		`{"key1":"a","key1":"b"}`,
		"交易金额：keyword1\nkeyword2\t时间",
		"{{first.DATA}}金额：{{keyword1.DATA}}，{{remark.DATA}}",
		`{"error_response":{"code":"40002"}}`,
		"",
		"\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse(text)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if e.Reason == "" {
				t.Fatalf("error without a reason: %#v", e)
			}
			if e.Line < 0 || e.Column < 0 || (e.Line > 0) != (e.Column > 0) {
				t.Fatalf("bad position in %#v", e)
			}
			if p != nil {
				t.Fatal("both a result and an error")
			}
			return
		}
		if len(p.Keywords) == 0 || len(p.Keywords) > MaxKeywords {
			t.Fatalf("%d keywords", len(p.Keywords))
		}
		seen := map[string]bool{}
		for _, k := range p.Keywords {
			if !validKey(k.Key) {
				t.Fatalf("invalid key %q", k.Key)
			}
			if seen[k.Key] {
				t.Fatalf("duplicate key %q", k.Key)
			}
			seen[k.Key] = true
			if labelProblem(k.Label) != "" || !utf8.ValidString(k.Label) {
				t.Fatalf("bad label %q for %s", k.Label, k.Key)
			}
		}
	})
}
