package server

import (
	"math/rand/v2"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// payloadContent is the part of a message payloadOf keeps.
func payloadContent(m *reachv1.Message) *reachv1.Message {
	return &reachv1.Message{Data: m.Data, Colors: m.Colors, Localizations: m.Localizations, Page: m.Page,
		LifeAccount: m.LifeAccount, Category: m.Category}
}

// checkPayload: protojson reads back exactly the content payloadOf was given, and reads
// payloadOf's bytes as it reads its own encoding of the same content.
func checkPayload(t *testing.T, m *reachv1.Message) {
	t.Helper()
	got, err := payloadOf(m)
	if err != nil {
		t.Fatalf("payloadOf: %v", err)
	}
	var back reachv1.Message
	if err := protojson.Unmarshal(got, &back); err != nil {
		t.Fatalf("protojson cannot read %s: %v", got, err)
	}
	if !proto.Equal(&back, payloadContent(m)) {
		t.Fatalf("read back %v, want %v (payload %s)", &back, payloadContent(m), got)
	}
	want, err := protojson.Marshal(payloadContent(m))
	if err != nil {
		t.Fatal(err)
	}
	var theirs reachv1.Message
	if err := protojson.Unmarshal(want, &theirs); err != nil || !proto.Equal(&theirs, &back) {
		t.Fatalf("protojson's own encoding %s reads differently (%v)", want, err)
	}
}

func TestPayloadMatchesProtojson(t *testing.T) {
	for name, m := range map[string]*reachv1.Message{
		"empty": {},
		"data":  {Data: map[string]string{"keyword1": "order 1", "b": "", "a": "x"}},
		"every field": {Data: map[string]string{"k": "v"}, Colors: map[string]string{"k": "#FF0000"},
			Localizations: []*reachv1.LocalizedData{{Language: "en_US", Data: map[string]string{"k": "v"}}, {}, {Language: "zh_CN"}},
			Page:          "pages/index?id=1&x=<y>", LifeAccount: &reachv1.LifeAccountMessageOptions{Url: "https://e.example/a?b=c", HeadColor: "#000", ActionName: "查看"},
			Category: reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING},
		"empty life account options": {LifeAccount: &reachv1.LifeAccountMessageOptions{}},
		"escapes":                    {Data: map[string]string{"q\"uote": "back\\slash", "ctl": "\x00\x01\x1f\n\r\t\b\f", "uni": "订单 \u2028 😀"}},
		"category":                   {Category: reachv1.MessageCategory_MESSAGE_CATEGORY_TRANSACTIONAL},
	} {
		t.Run(name, func(t *testing.T) { checkPayload(t, m) })
	}
}

func TestPayloadKeysSorted(t *testing.T) {
	got, err := payloadOf(&reachv1.Message{Data: map[string]string{"c": "3", "a": "1", "b": "2"}, Page: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"data":{"a":"1","b":"2","c":"3"},"page":"p"}`; string(got) != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestPayloadRefusesInvalidUTF8(t *testing.T) {
	for _, m := range []*reachv1.Message{
		{Data: map[string]string{"k": "\xff"}},
		{Colors: map[string]string{"\xfe": "v"}},
		{Localizations: []*reachv1.LocalizedData{{Data: map[string]string{"k": "a\xc3"}}}},
		{LifeAccount: &reachv1.LifeAccountMessageOptions{Url: "\x80"}},
	} {
		if _, err := payloadOf(m); err == nil {
			t.Errorf("payloadOf(%v) accepted invalid UTF-8", m)
		}
	}
}

// TestPayloadRandom compares with protojson on random content: every byte below 0x80 and
// a few multi-byte characters, in keys and values.
func TestPayloadRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("ab\"\\/\x00\x07\x1f\x7f \n\t<>&订😀\u2028\u00e9")
	word := func() string {
		var b strings.Builder
		for range r.IntN(8) {
			if r.IntN(3) == 0 {
				b.WriteByte(byte(r.IntN(0x80)))
			} else {
				b.WriteRune(alphabet[r.IntN(len(alphabet))])
			}
		}
		return b.String()
	}
	words := func() map[string]string {
		m := map[string]string{}
		for range r.IntN(5) {
			m[word()] = word()
		}
		return m
	}
	for range 2000 {
		m := &reachv1.Message{Data: words(), Colors: words(), Page: word(),
			Category: reachv1.MessageCategory(r.IntN(3))}
		for range r.IntN(3) {
			m.Localizations = append(m.Localizations, &reachv1.LocalizedData{Language: word(), Data: words()})
		}
		if r.IntN(2) == 0 {
			m.LifeAccount = &reachv1.LifeAccountMessageOptions{Url: word(), HeadColor: word(), ActionName: word()}
		}
		checkPayload(t, m)
	}
}

func BenchmarkPayload(b *testing.B) {
	m := &reachv1.Message{Data: map[string]string{"keyword1": "order 1", "keyword2": "shipped"}}
	b.Run("payloadOf", func(b *testing.B) {
		for b.Loop() {
			_, _ = payloadOf(m)
		}
	})
	b.Run("protojson", func(b *testing.B) {
		for b.Loop() {
			_, _ = protojson.Marshal(m)
		}
	})
}
