package replay

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxKeyLen is what the store keeps of a key; longer keys are hashed.
const maxKeyLen = 255

// MessageKey names a message-service or payment notification (§3.1) by its notify_id.
// Without one, its signature names it: RSA PKCS#1 v1.5 signatures are deterministic, so a
// replay carries the same one, and nothing else signed does.
func MessageKey(notifyID, sign string) string {
	if notifyID != "" {
		return bounded("notify_id:" + notifyID)
	}
	sum := sha256.Sum256([]byte(sign))
	return "sign:" + hex.EncodeToString(sum[:])
}

// LifeAccountKey names a Life Account event (§3.2), which has no id of its own: the event
// type, the user and CreateTime (to the millisecond) together name it.
func LifeAccountKey(eventType, userKind, userID string, created time.Time) string {
	return bounded("event:" + eventType + ":" + userKind + ":" + userID + ":" + strconv.FormatInt(created.UnixMilli(), 10))
}

func bounded(k string) string {
	if len(k) <= maxKeyLen {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// beijing is the zone of notify_time (the gateway's time zone, §1.3).
var beijing = time.FixedZone("CST", 8*3600)

// MessageTime dates a §3.1 notification: utc_timestamp (epoch milliseconds, message
// service) or notify_time ("2006-01-02 15:04:05", Beijing time, payment notifications). It
// is zero when neither reads.
func MessageTime(params url.Values) time.Time {
	if ms, err := strconv.ParseInt(strings.TrimSpace(params.Get("utc_timestamp")), 10, 64); err == nil && ms > 0 {
		return time.UnixMilli(ms)
	}
	if t, err := time.ParseInLocation(time.DateTime, strings.TrimSpace(params.Get("notify_time")), beijing); err == nil {
		return t
	}
	return time.Time{}
}
