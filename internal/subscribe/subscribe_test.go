package subscribe

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const idA = "cbc3487d54a648e0b38e334b2b047dd3"

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Result
	}{
		{"documented success", exampleAccept, Result{
			Behavior: "subscribe", Show: true, ShowSet: true, KeepSet: true, RefuseSet: true,
			Accepted: []string{idA}, Subscribed: []string{idA}, Requested: []string{idA},
			Outcome: OutcomeSubscribed,
		}},
		{"documented cancel grants nothing despite stale accept key", exampleCancel, Result{
			Behavior: "cancel", Show: true, ShowSet: true, Keep: true, KeepSet: true, RefuseSet: true,
			ErrorCode: "11", ErrorMessage: "用户取消订阅",
			Requested: []string{idA}, Outcome: OutcomeCancelled,
		}},
		{"mixed accept and reject; earlier subscription is not a new acceptance", exampleMixed, Result{
			Behavior: "subscribe", Show: true, ShowSet: true, KeepSet: true, RefuseSet: true,
			Accepted: []string{"T_A"}, Rejected: []string{"T_B"}, Subscribed: []string{"T_OLD", "T_A"},
			Requested: []string{"T_A", "T_OLD", "T_B"}, Outcome: OutcomeSubscribed,
		}},
		{"silent call ignores stale per-template keys", exampleSilent, Result{
			Behavior: "subscribe", ShowSet: true, Keep: true, KeepSet: true,
			Subscribed: []string{"T_A"}, Requested: []string{"T_A"}, Outcome: OutcomeSubscribed,
		}},
		{"silent call counts result lists", `{"behavior":"subscribe","show":false,"keep":true,"result":{"currentSubscribedEntityIds":["T_A"]},"T_A":"accept"}`, Result{
			Behavior: "subscribe", ShowSet: true, Keep: true, KeepSet: true,
			Accepted: []string{"T_A"}, Requested: []string{"T_A"}, Outcome: OutcomeSubscribed,
		}},
		{"silent without result falls back to dynamic keys", `{"behavior":"subscribe","show":false,"T_A":"accept"}`, Result{
			Behavior: "subscribe", ShowSet: true,
			Accepted: []string{"T_A"}, Requested: []string{"T_A"}, Outcome: OutcomeSubscribed,
		}},
		{"all rejected is still subscribed outcome", `{"behavior":"subscribe","show":true,"refuse":true,"result":{"subscribeEntityIds":[],"unsubscribedEntityIds":["T_A","T_B"]},"T_A":"reject","T_B":"reject"}`, Result{
			Behavior: "subscribe", Show: true, ShowSet: true, Refuse: true, RefuseSet: true,
			Rejected: []string{"T_A", "T_B"}, Requested: []string{"T_A", "T_B"}, Outcome: OutcomeSubscribed,
		}},
		{"dynamic keys only (old base library)", `{"behavior":"subscribe","T_A":"accept","T_B":"reject","T_C":"accept"}`, Result{
			Behavior: "subscribe", Accepted: []string{"T_A", "T_C"}, Rejected: []string{"T_B"},
			Requested: []string{"T_A", "T_B", "T_C"}, Outcome: OutcomeSubscribed,
		}},
		{"union deduplicated in order subscribe, current, dynamic", `{"behavior":"subscribe","result":{"currentSubscribedEntityIds":["T_C","T_A"],"subscribeEntityIds":["T_A","T_B","T_A"]},"T_D":"accept","T_B":"accept"}`, Result{
			Behavior: "subscribe", Accepted: []string{"T_A", "T_B", "T_C", "T_D"},
			Requested: []string{"T_C", "T_A", "T_B", "T_D"}, Outcome: OutcomeSubscribed,
		}},
		{"rejected minus accepted", `{"behavior":"subscribe","result":{"subscribeEntityIds":["T_A"],"unsubscribedEntityIds":["T_A","T_B"]},"T_B":"reject","T_A":"reject"}`, Result{
			Behavior: "subscribe", Accepted: []string{"T_A"}, Rejected: []string{"T_B"},
			Requested: []string{"T_A", "T_B"}, Outcome: OutcomeSubscribed,
		}},
		{"booleans as strings", `{"behavior":"subscribe","show":"true","keep":"FALSE","refuse":" false "}`, Result{
			Behavior: "subscribe", Show: true, ShowSet: true, KeepSet: true, RefuseSet: true, Outcome: OutcomeSubscribed,
		}},
		{"booleans as numbers", `{"behavior":"subscribe","show":1,"keep":0}`, Result{
			Behavior: "subscribe", Show: true, ShowSet: true, KeepSet: true, Outcome: OutcomeSubscribed,
		}},
		{"nulls are unset", `{"behavior":null,"show":null,"result":null,"errorCode":null,"errorMessage":null}`, Result{Outcome: OutcomeFailed}},
		{"error code as string", `{"behavior":"","errorCode":"10","errorMessage":"系统错误"}`, Result{ErrorCode: "10", ErrorMessage: "系统错误", Outcome: OutcomeFailed}},
		{"error code 11 without behavior is a cancel", `{"errorCode":"11"}`, Result{ErrorCode: "11", Outcome: OutcomeCancelled}},
		{"error code 11.0", `{"errorCode":11.0}`, Result{ErrorCode: "11", Outcome: OutcomeCancelled}},
		{"deprecated error field as the code", `{"behavior":"","error":15}`, Result{ErrorCode: "15", Outcome: OutcomeFailed}},
		{"errorCode wins over deprecated error", `{"error":11,"errorCode":402}`, Result{ErrorCode: "402", Outcome: OutcomeFailed}},
		{"error code overrides subscribe", `{"behavior":"subscribe","errorCode":10,"result":{"subscribeEntityIds":["T_A"]}}`, Result{
			Behavior: "subscribe", ErrorCode: "10", Requested: []string{"T_A"}, Outcome: OutcomeFailed,
		}},
		{"error code 0 is no error", `{"behavior":"subscribe","errorCode":0,"T_A":"accept"}`, Result{
			Behavior: "subscribe", ErrorCode: "0", Accepted: []string{"T_A"}, Requested: []string{"T_A"}, Outcome: OutcomeSubscribed,
		}},
		{"documented failure", exampleFailure, Result{ErrorCode: "106008", ErrorMessage: "模板不存在", Outcome: OutcomeFailed}},
		{"rate limited", `{"errorCode":100201}`, Result{ErrorCode: "100201", Outcome: OutcomeFailed}},
		{"negative default code", `{"errorCode":-1}`, Result{ErrorCode: "-1", Outcome: OutcomeFailed}},
		{"empty object is a failure", `{}`, Result{Outcome: OutcomeFailed}},
		{"unknown behavior is a failure", `{"behavior":"maybe","T_A":"accept"}`, Result{Behavior: "maybe", Requested: []string{"T_A"}, Outcome: OutcomeFailed}},
		{"unknown keys ignored", `{"behavior":"subscribe","newField":{"x":1},"n":5,"odd key!":"whatever","result":{"future":[1,2]}}`, Result{Behavior: "subscribe", Outcome: OutcomeSubscribed}},
		{"decision case-insensitive", `{"behavior":"subscribe","T_A":"ACCEPT"}`, Result{Behavior: "subscribe", Accepted: []string{"T_A"}, Requested: []string{"T_A"}, Outcome: OutcomeSubscribed}},
		{"numeric error message", `{"errorMessage":12}`, Result{ErrorMessage: "12", Outcome: OutcomeFailed}},
		{"entity list on failure still reported as requested", `{"behavior":"","errorCode":203,"result":{"entityList":["T_1","T_2","T_3","T_4"]}}`, Result{
			ErrorCode: "203", Requested: []string{"T_1", "T_2", "T_3", "T_4"}, Outcome: OutcomeFailed,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Parse =\n %+v\nwant\n %+v", *got, tt.want)
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
		{"blank", " \n", Error{Reason: "input is empty"}},
		{"too large", `{"x":"` + strings.Repeat("a", MaxInput) + `"}`, Error{Reason: "input is larger than 64 KiB"}},
		{"array", `["T_A"]`, Error{Reason: "input is not a JSON object"}},
		{"string", `"subscribe"`, Error{Reason: "input is not a JSON object"}},
		{"syntax", `{"behavior":}`, Error{Reason: "input is not valid JSON: invalid character '}' looking for beginning of value"}},
		{"truncated", `{"behavior":"subscribe"`, Error{Reason: "input is not valid JSON: it ends too early"}},
		{"trailing data", `{} {}`, Error{Reason: "input has unexpected data after the JSON object"}},
		{"duplicate key", `{"behavior":"cancel","behavior":"subscribe"}`, Error{Field: "behavior", Reason: "appears twice"}},
		{"duplicate key in result", `{"result":{"subscribeEntityIds":[],"subscribeEntityIds":["T"]}}`, Error{Field: "result.subscribeEntityIds", Reason: "appears twice"}},
		{"behavior not a string", `{"behavior":1}`, Error{Field: "behavior", Reason: "is a number, want a string"}},
		{"bad boolean", `{"show":"yes"}`, Error{Field: "show", Reason: `is "yes", want true or false`}},
		{"bad boolean number", `{"keep":2}`, Error{Field: "keep", Reason: "is 2, want true or false"}},
		{"bad boolean object", `{"refuse":{}}`, Error{Field: "refuse", Reason: "is {}, want true or false"}},
		{"error code object", `{"errorCode":{}}`, Error{Field: "errorCode", Reason: "is an object, want a number or a string"}},
		{"error code too long", `{"errorCode":"` + strings.Repeat("1", 33) + `"}`, Error{Field: "errorCode", Reason: "is longer than 32 characters"}},
		{"error message array", `{"errorMessage":[]}`, Error{Field: "errorMessage", Reason: "is an array, want a string"}},
		{"result not an object", `{"result":[]}`, Error{Field: "result", Reason: "is not a JSON object"}},
		{"list not an array", `{"result":{"subscribeEntityIds":"T_A"}}`, Error{Field: "result.subscribeEntityIds", Reason: "is a string, want an array of template ids"}},
		{"id not a string", `{"result":{"entityList":["T_A",7]}}`, Error{Field: "result.entityList[1]", Reason: "is a number, want a template id string"}},
		{"invalid id", `{"result":{"subscribedEntityIds":["T_A","bad id"]}}`, Error{Field: "result.subscribedEntityIds[1]", Reason: `"bad id" is not a template id: a template id must match ^[A-Za-z0-9_-]{1,64}$`}},
		{"empty id", `{"result":{"unsubscribedEntityIds":[""]}}`, Error{Field: "result.unsubscribedEntityIds[0]", Reason: `"" is not a template id: a template id must match ^[A-Za-z0-9_-]{1,64}$`}},
		{"id too long", `{"result":{"currentSubscribedEntityIds":["` + strings.Repeat("a", 65) + `"]}}`, Error{Field: "result.currentSubscribedEntityIds[0]", Reason: `"` + strings.Repeat("a", 64) + `…" is not a template id: a template id must match ^[A-Za-z0-9_-]{1,64}$`}},
		{"invalid dynamic key", `{"behavior":"subscribe","T/A":"accept"}`, Error{Field: "T/A", Reason: "is not a template id: a template id must match ^[A-Za-z0-9_-]{1,64}$"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("Parse = %+v, want error", got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if *e != tt.want {
				t.Errorf("error =\n %#v\nwant\n %#v", *e, tt.want)
			}
		})
	}
}

func TestOutcomeString(t *testing.T) {
	for o, want := range map[Outcome]string{OutcomeFailed: "failed", OutcomeSubscribed: "subscribed", OutcomeCancelled: "cancelled", Outcome(9): "Outcome(9)"} {
		if o.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(o), o.String(), want)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Field: "result.entityList[1]", Reason: "is a number, want a template id string"}
	if got, want := e.Error(), "subscribe result: result.entityList[1] is a number, want a template id string"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
