package gateway

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// charsetEncoding maps a declared charset to its encoding; nil means UTF-8.
// Life account pushes historically declare GBK (§3.2).
func charsetEncoding(charset string) (encoding.Encoding, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "", "utf-8", "utf8":
		return nil, nil
	case "gbk", "gb2312", "cp936":
		// GB2312 is a subset of GBK with the same bytes.
		return simplifiedchinese.GBK, nil
	case "gb18030":
		return simplifiedchinese.GB18030, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnsupportedCharset, charset)
}

// inCharset returns v as the bytes Alipay signed under enc. A value that is
// valid UTF-8 was transcoded by whoever decoded the form and is encoded back;
// any other value is taken to be in the declared charset already (net/http
// only percent-decodes). ok is false when v has no form in enc.
func inCharset(enc encoding.Encoding, v string) (out string, ok bool) {
	if enc == nil || isASCII(v) || !utf8.ValidString(v) {
		return v, true
	}
	out, err := enc.NewEncoder().String(v)
	return out, err == nil
}

// toUTF8 returns s as UTF-8: s itself if it is valid UTF-8, else s decoded
// as GB18030, the superset of GBK and GB2312.
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
