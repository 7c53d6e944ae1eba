package delivery

import (
	"fmt"
	"maps"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/reachhq/reach/clients/adapter"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// adapterTemplate is what the adapter needs of a stored template.
func adapterTemplate(t *store.Template) (adapter.Template, error) {
	opts := &reachv1.Template{}
	if len(t.Options) > 0 {
		if err := protojson.Unmarshal(t.Options, opts); err != nil {
			return adapter.Template{}, fmt.Errorf("decode template %s options: %w", t.ID, err)
		}
	}
	out := adapter.Template{ExternalID: t.ExternalID}
	for _, k := range t.Keywords {
		out.Keys = append(out.Keys, k.Key)
	}
	if la := opts.GetLifeAccount(); la != nil {
		out.HeadColor, out.URL, out.ActionName = la.HeadColor, la.Url, la.ActionName
		out.FirstEnabled, out.RemarkEnabled = la.FirstEnabled, la.RemarkEnabled
	}
	if mp := opts.GetMiniProgram(); mp != nil {
		out.Page = mp.Page
	}
	if ap := opts.GetAlipayPlus(); ap != nil {
		out.Page, out.Languages = ap.RedirectUrl, ap.Languages
	}
	return out, nil
}

// adapterMessage turns a stored message (its payload is the API's content as protobuf
// JSON) into the adapter's message.
func adapterMessage(m *store.Message, tpl adapter.Template) (*adapter.Message, error) {
	content, err := payloadContent(m)
	if err != nil {
		return nil, err
	}
	out := &adapter.Message{
		ID: m.ID, Template: tpl, Recipient: adapter.User{Kind: m.Recipient.Kind, ID: m.Recipient.ID},
		Data: maps.Clone(content.Data), Colors: maps.Clone(content.Colors), Page: content.Page,
	}
	for _, l := range content.Localizations {
		out.Localized = append(out.Localized, adapter.Localized{Language: l.Language, Data: l.Data})
	}
	if la := content.LifeAccount; la != nil {
		out.URL, out.HeadColor, out.ActionName = la.Url, la.HeadColor, la.ActionName
	}
	return out, nil
}

// payloadContent decodes what a stored message says: its payload is the API's content as
// protobuf JSON.
func payloadContent(m *store.Message) (*reachv1.Message, error) {
	content := &reachv1.Message{}
	if len(m.Payload) > 0 {
		if err := protojson.Unmarshal(m.Payload, content); err != nil {
			return nil, fmt.Errorf("decode message %s payload: %w", m.ID, err)
		}
	}
	return content, nil
}
