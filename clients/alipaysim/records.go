package alipaysim

import (
	"encoding/json"
	"sync"
	"time"
)

// Outcomes of recorded requests.
const (
	// OutcomeAccepted: verified and answered with success (10000, or Alipay+ S).
	OutcomeAccepted = "accepted"
	// OutcomeRateLimited: verified, then refused by the app's rate limit (40005, or Alipay+
	// F REQUEST_TRAFFIC_EXCEED_LIMIT). Recorded so a test sees every attempt of a retried
	// message, not only the one that got through.
	OutcomeRateLimited = "rate_limited"
)

// Record is one request the simulator accepted or rate-limited. Rejected and faulted
// requests are not recorded (they are counted in Stats); an Alipay+ send repeated with the
// same requestId is recorded once.
type Record struct {
	Seq        int64           `json:"seq"`
	Time       time.Time       `json:"time"`    // when the request arrived, before it was read
	Outcome    string          `json:"outcome"` // OutcomeAccepted or OutcomeRateLimited
	API        string          `json:"api"`     // gateway method, or Alipay+ path
	AppID      string          `json:"app_id"`
	Recipient  string          `json:"recipient,omitempty"` // to_user_id/to_open_id, user_id/open_id, or Alipay+ customerId
	TemplateID string          `json:"template_id,omitempty"`
	RequestID  string          `json:"request_id,omitempty"` // Alipay+ requestId
	MessageID  string          `json:"message_id,omitempty"` // Alipay+ messageId
	Content    json.RawMessage `json:"content,omitempty"`    // biz_content (decrypted) or the Alipay+ body
}

// RequestFilter selects records; empty fields match everything.
type RequestFilter struct {
	API, AppID, Recipient, TemplateID, RequestID string
	// Outcome keeps one outcome; count deliveries with OutcomeAccepted.
	Outcome string
	// AfterSeq keeps records with Seq > AfterSeq, for polling.
	AfterSeq int64
}

func (f RequestFilter) match(r *Record) bool {
	return (f.API == "" || f.API == r.API) && (f.AppID == "" || f.AppID == r.AppID) &&
		(f.Recipient == "" || f.Recipient == r.Recipient) && (f.TemplateID == "" || f.TemplateID == r.TemplateID) &&
		(f.RequestID == "" || f.RequestID == r.RequestID) && (f.Outcome == "" || f.Outcome == r.Outcome) &&
		r.Seq > f.AfterSeq
}

// Stats counts requests by outcome since the last Reset.
type Stats struct {
	Accepted int64 `json:"accepted"`
	Rejected int64 `json:"rejected"` // verification or business failures
	Faulted  int64 `json:"faulted"`  // answered by an injected fault
	Limited  int64 `json:"limited"`  // refused by the app's rate limit (and recorded)
}

// recordLog is a ring buffer of the last limit records.
type recordLog struct {
	mu    sync.Mutex
	limit int
	buf   []Record
	next  int // index the next record goes to once buf is full
	seq   int64
	stats Stats
}

func (l *recordLog) add(r Record) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	if r.Outcome == OutcomeRateLimited {
		l.stats.Limited++
	} else {
		r.Outcome = OutcomeAccepted
		l.stats.Accepted++
	}
	r.Seq = l.seq
	if len(l.buf) < l.limit {
		l.buf = append(l.buf, r)
		return
	}
	l.buf[l.next] = r
	l.next = (l.next + 1) % l.limit
}

func (l *recordLog) count(rejected, faulted bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rejected {
		l.stats.Rejected++
	}
	if faulted {
		l.stats.Faulted++
	}
}

// list returns matching records, oldest first.
func (l *recordLog) list(f RequestFilter) []Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []Record{}
	for i := range l.buf {
		r := &l.buf[(l.next+i)%len(l.buf)]
		if f.match(r) {
			out = append(out, *r)
		}
	}
	return out
}

func (l *recordLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf, l.next, l.stats = nil, 0, Stats{}
}
