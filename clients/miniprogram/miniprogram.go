// Package miniprogram is the Alipay mini program adapter: subscription messages with
// alipay.open.app.mini.templatemessage.send and the subscription query
// alipay.open.app.messagetemplate.subscribe.query.
package miniprogram

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/gateway"
	"github.com/reachhq/reach/clients/openplatform"
)

// Adapter sends through one mini program.
type Adapter struct {
	client *gateway.Client
}

var (
	_ adapter.Adapter             = (*Adapter)(nil)
	_ adapter.SubscriptionQuerier = (*Adapter)(nil)
)

// New builds the adapter of a mini program channel.
func New(creds adapter.Credentials, httpClient *http.Client) (*Adapter, error) {
	c, err := openplatform.NewClient(creds, httpClient)
	if err != nil {
		return nil, err
	}
	return &Adapter{client: c}, nil
}

// Verify queries the mini program's base information.
func (a *Adapter) Verify(ctx context.Context) error {
	return openplatform.Verify(ctx, a.client, "alipay.open.mini.baseinfo.query")
}

// Send delivers a subscription message (§2.1). `data` is a JSON string whose keywords follow
// the template's order, each {"value": …}.
func (a *Adapter) Send(ctx context.Context, m *adapter.Message) (*adapter.SendResult, error) {
	to, err := openplatform.Recipient(m.Recipient)
	if err != nil {
		return nil, err
	}
	data, err := orderedData(m.Template.Keys, m.Data)
	if err != nil {
		return nil, &alipayerr.Error{Class: alipayerr.BadRequest, Msg: "encode data", Err: err}
	}
	biz := map[string]any{to: m.Recipient.ID, "user_template_id": m.Template.ExternalID, "data": data}
	if page := cmp.Or(m.Page, m.Template.Page); page != "" {
		biz["page"] = page
	}
	if _, err := a.client.Call(ctx, "alipay.open.app.mini.templatemessage.send", biz); err != nil {
		return nil, err
	}
	return &adapter.SendResult{}, nil
}

// orderedData writes {"keyword1":{"value":"…"},…} in the template's keyword order (a Go
// map would sort the keys, and keyword10 would come before keyword2). A keyword the
// message lacks is left out, not sent blank, so Alipay refuses the message
// (USER_TEMPLATE_LACK_KEYWORD) rather than deliver it with a hole.
func orderedData(keys []string, data map[string]string) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('{')
	n := 0
	for _, k := range keys {
		if _, ok := data[k]; !ok {
			continue
		}
		if n++; n > 1 {
			b.WriteByte(',')
		}
		if err := enc.Encode(k); err != nil {
			return "", err
		}
		b.Truncate(b.Len() - 1) // Encode adds a newline
		b.WriteString(`:{"value":`)
		if err := enc.Encode(data[k]); err != nil {
			return "", err
		}
		b.Truncate(b.Len() - 1)
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// QuerySubscriptions asks about the user's relations, adapter.MaxQueryTemplates templates
// per call. A template Alipay lists is taken as subscribed: the meaning of
// subscribe_state's values is not published (open question 2), so they are kept raw.
func (a *Adapter) QuerySubscriptions(ctx context.Context, user adapter.User, templateIDs []string) ([]adapter.Relation, error) {
	field, err := openplatform.Recipient(user)
	if err != nil {
		return nil, err
	}
	field = strings.TrimPrefix(field, "to_") // the query names users without the to_ of sends
	var out []adapter.Relation
	for start := 0; start < len(templateIDs); start += adapter.MaxQueryTemplates {
		batch := templateIDs[start:min(start+adapter.MaxQueryTemplates, len(templateIDs))]
		resp, err := a.client.Call(ctx, "alipay.open.app.messagetemplate.subscribe.query", map[string]any{field: user.ID, "template_id_list": batch})
		if err != nil {
			return nil, err
		}
		var body struct {
			Relations []struct {
				TemplateID     string `json:"template_id"`
				SubscribeType  string `json:"subscribe_type"`
				SubscribeState string `json:"subscribe_state"`
				KeepState      string `json:"keep_state"`
			} `json:"subscribe_relations"`
		}
		if err := resp.Decode(&body); err != nil {
			return nil, &alipayerr.Error{Class: alipayerr.Permanent, Code: resp.Code, Err: err, Verified: true}
		}
		for _, r := range body.Relations {
			out = append(out, adapter.Relation{TemplateID: r.TemplateID, Subscribed: true, LongTerm: r.SubscribeType == "longterm",
				SubscribeType: r.SubscribeType, SubscribeState: r.SubscribeState, KeepState: r.KeepState})
		}
	}
	return out, nil
}
