package server

import (
	"testing"

	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// requestHash leaves the request as it found it, ignores its request id and an explicit
// TRANSACTIONAL, and still tells other content apart. The hex pins the hash of one request:
// hashes are stored, so a change here would make every replay of an earlier send look
// like a different request.
func TestRequestHash(t *testing.T) {
	req := &reachv1.SendMessageRequest{RequestId: "r1", Template: "channels/c/templates/t",
		Recipient: &reachv1.User{Id: &reachv1.User_UserId{UserId: "2088000000000001"}},
		Data:      map[string]string{"b": "2", "a": "1"}, Category: reachv1.MessageCategory_MESSAGE_CATEGORY_TRANSACTIONAL}
	before := proto.Clone(req)
	h, err := requestHash("SendMessage", req)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(req, before) {
		t.Fatalf("the request changed: %v, was %v", req, before)
	}
	if want := "2339e59e4fbe194393536cf82bf4c093a3142126b5abab25af5db1ad338e0d79"; h != want {
		t.Errorf("hash %s, pinned %s", h, want)
	}
	same := proto.Clone(req).(*reachv1.SendMessageRequest)
	same.RequestId, same.Category = "r2", reachv1.MessageCategory_MESSAGE_CATEGORY_UNSPECIFIED
	other := proto.Clone(req).(*reachv1.SendMessageRequest)
	other.Category = reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING
	for _, c := range []struct {
		name  string
		req   proto.Message
		equal bool
	}{{"another request id, no category", same, true}, {"marketing", other, false}} {
		got, err := requestHash("SendMessage", c.req)
		if err != nil {
			t.Fatal(err)
		}
		if (got == h) != c.equal {
			t.Errorf("%s: hash %s against %s, want equal=%v", c.name, got, h, c.equal)
		}
	}
	if batch, _ := requestHash("BatchSendMessages", req); batch == h {
		t.Error("a batch shares a single send's hash")
	}
}
