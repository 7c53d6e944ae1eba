package server

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

var (
	templateStates = []string{"ACTIVE", "INVALID"}
)

// templateOptionsOf returns the product-specific parts as stored in store.Template.Options.
func templateOptionsOf(t *reachv1.Template) ([]byte, error) {
	opt := &reachv1.Template{}
	switch o := t.Options.(type) {
	case *reachv1.Template_LifeAccount:
		opt.Options = &reachv1.Template_LifeAccount{LifeAccount: o.LifeAccount}
	case *reachv1.Template_MiniProgram:
		opt.Options = &reachv1.Template_MiniProgram{MiniProgram: o.MiniProgram}
	case *reachv1.Template_AlipayPlus:
		opt.Options = &reachv1.Template_AlipayPlus{AlipayPlus: o.AlipayPlus}
	}
	return protojson.Marshal(opt)
}

// templateToRecord copies the client-settable fields of t into rec.
func templateToRecord(t *reachv1.Template, rec *store.Template) error {
	rec.ExternalID = t.ExternalId
	rec.DisplayName = t.DisplayName
	rec.Keywords = rec.Keywords[:0]
	for _, k := range t.Keywords {
		rec.Keywords = append(rec.Keywords, store.Keyword{Key: k.Key, Label: k.Label, MaxLength: int(k.MaxLength)})
	}
	rec.SubscriptionType = shortEnum(t.SubscriptionType.String(), "SUBSCRIPTION_TYPE_")
	var err error
	rec.Options, err = templateOptionsOf(t)
	return err
}

func templateToProto(rec *store.Template) (*reachv1.Template, error) {
	out := &reachv1.Template{}
	if len(rec.Options) > 0 {
		if err := protojson.Unmarshal(rec.Options, out); err != nil {
			return nil, fmt.Errorf("decode template %s options: %w", rec.ID, err)
		}
	}
	out.Name = templateName(rec.ChannelID, rec.ID)
	out.ExternalId = rec.ExternalID
	out.DisplayName = rec.DisplayName
	for _, k := range rec.Keywords {
		out.Keywords = append(out.Keywords, &reachv1.TemplateKeyword{Key: k.Key, Label: k.Label, MaxLength: int32(k.MaxLength)})
	}
	out.SubscriptionType = reachv1.SubscriptionType(reachv1.SubscriptionType_value["SUBSCRIPTION_TYPE_"+rec.SubscriptionType])
	out.State = reachv1.TemplateState(reachv1.TemplateState_value["TEMPLATE_STATE_"+rec.State])
	out.StateReason = rec.StateReason
	out.InvalidTime = tsp(rec.InvalidTime)
	out.CreateTime = ts(rec.CreateTime)
	out.UpdateTime = ts(rec.UpdateTime)
	out.Etag = etag(rec.Revision)
	return out, nil
}

// keywordLimit is the longest value a keyword takes on a channel type.
func keywordLimit(channelType string, k store.Keyword) int {
	if k.MaxLength > 0 {
		return k.MaxLength
	}
	if channelType == typeMiniProgram {
		return 50 // USER_KEYWORD_LENGTH_ERROR above 50 characters
	}
	return 200
}
