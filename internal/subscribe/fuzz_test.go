package subscribe

import (
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		exampleAccept, exampleCancel, exampleMixed, exampleSilent, exampleFailure,
		`{"behavior":"subscribe","T_A":"accept","T_B":"reject"}`,
		`{"errorCode":"11","show":"false"}`,
		`{"result":{"subscribeEntityIds":["T_A","T_A"],"unsubscribedEntityIds":["T_A"]},"behavior":"subscribe"}`,
		`{}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Reason == "" {
				t.Fatalf("bad error %T %v", err, err)
			}
			return
		}
		accepted := map[string]bool{}
		for _, id := range r.Accepted {
			accepted[id] = true
		}
		for _, id := range r.Rejected {
			if accepted[id] {
				t.Fatalf("%q both accepted and rejected", id)
			}
		}
		requested := map[string]bool{}
		for _, id := range r.Requested {
			if requested[id] {
				t.Fatalf("%q requested twice", id)
			}
			requested[id] = true
		}
		for _, list := range [][]string{r.Accepted, r.Rejected, r.Subscribed, r.Requested} {
			for _, id := range list {
				if !validTemplateID(id) {
					t.Fatalf("invalid id %q", id)
				}
				if !requested[id] {
					t.Fatalf("%q missing from Requested", id)
				}
			}
		}
		if r.Outcome != OutcomeSubscribed && (len(r.Accepted) > 0 || len(r.Rejected) > 0) {
			t.Fatalf("outcome %v with accepted/rejected ids", r.Outcome)
		}
	})
}
