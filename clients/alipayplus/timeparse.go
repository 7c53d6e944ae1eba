package alipayplus

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// timeLayouts are the forms an expiry time has been seen in or plausibly takes. The docs show
// RFC 3339 ("2019-11-27T12:01:01+08:00", §4.6); wallets copy the docs unevenly, so an offset
// without a colon and a space instead of "T" are read too. time.Parse accepts fractional
// seconds for all of them. A time without an offset is not guessed at.
var timeLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
}

// parseTime reads a JSON string or number as a time: one of timeLayouts, or epoch seconds or
// milliseconds (13 digits or more). It returns the zero time for null, empty or unknown forms.
func parseTime(raw json.RawMessage) time.Time {
	raw = bytes.TrimSpace(raw)
	s := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return time.Time{}
		}
	}
	s = strings.TrimSpace(s)
	if s == "" || s == "null" {
		return time.Time{}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		if len(s) >= 13 {
			return time.UnixMilli(n)
		}
		return time.Unix(n, 0)
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
