package server

import (
	"regexp"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

var (
	subscriptionStates = []string{"ACTIVE", "REJECTED", "EXHAUSTED", "CANCELLED", "EXPIRED"}
	subscriptionKinds  = []string{"TEMPLATE", "FOLLOWER", "AUTHORIZATION"}

	alipayUserIDPattern = regexp.MustCompile(`^2088[0-9]{12}$`)
	openIDPattern       = regexp.MustCompile(`^[0-9A-Za-z_-]{1,128}$`)
	customerIDPattern   = regexp.MustCompile(`^[0-9A-Za-z_.:-]{1,128}$`)
)

// User id kinds as stored.
const (
	kindUserID     = "USER_ID"
	kindOpenID     = "OPEN_ID"
	kindCustomerID = "CUSTOMER_ID"
)

// userRef validates a user for a channel of channelType and returns its stored form.
func userRef(f *fieldErrors, field string, u *reachv1.User, channelType string) store.UserRef {
	if u == nil || u.Id == nil {
		f.add(field, "required: set user_id, open_id or customer_id")
		return store.UserRef{}
	}
	var ref store.UserRef
	switch id := u.Id.(type) {
	case *reachv1.User_UserId:
		ref = store.UserRef{Kind: kindUserID, ID: id.UserId}
		if !alipayUserIDPattern.MatchString(id.UserId) {
			f.add(field+".user_id", "must be an Alipay user id: 16 digits starting with 2088")
		}
	case *reachv1.User_OpenId:
		ref = store.UserRef{Kind: kindOpenID, ID: id.OpenId}
		if !openIDPattern.MatchString(id.OpenId) {
			f.add(field+".open_id", "must be 1-128 letters, digits, '-' or '_'")
		}
	case *reachv1.User_CustomerId:
		ref = store.UserRef{Kind: kindCustomerID, ID: id.CustomerId}
		if !customerIDPattern.MatchString(id.CustomerId) {
			f.add(field+".customer_id", "must be 1-128 letters, digits or -_.:")
		}
	}
	switch {
	case channelType == typeAlipayPlus && ref.Kind != kindCustomerID:
		f.add(field, "Alipay+ users are identified by customer_id")
	case channelType != "" && channelType != typeAlipayPlus && ref.Kind == kindCustomerID:
		f.add(field, "customer_id is only for Alipay+ channels; use user_id or open_id")
	}
	return ref
}

func userToProto(u store.UserRef) *reachv1.User {
	switch u.Kind {
	case kindUserID:
		return &reachv1.User{Id: &reachv1.User_UserId{UserId: u.ID}}
	case kindOpenID:
		return &reachv1.User{Id: &reachv1.User_OpenId{OpenId: u.ID}}
	case kindCustomerID:
		return &reachv1.User{Id: &reachv1.User_CustomerId{CustomerId: u.ID}}
	}
	return nil
}

func subscriptionToProto(r *store.Subscription) *reachv1.Subscription {
	out := &reachv1.Subscription{
		Name:           subscriptionName(r.ChannelID, r.ID),
		Kind:           reachv1.SubscriptionKind(reachv1.SubscriptionKind_value["SUBSCRIPTION_KIND_"+r.Kind]),
		User:           userToProto(r.User),
		Type:           reachv1.SubscriptionType(reachv1.SubscriptionType_value["SUBSCRIPTION_TYPE_"+r.Type]),
		State:          reachv1.SubscriptionState(reachv1.SubscriptionState_value["SUBSCRIPTION_STATE_"+r.State]),
		StateReason:    r.StateReason,
		RemainingSends: r.RemainingSends,
		CreateTime:     ts(r.CreateTime),
		UpdateTime:     ts(r.UpdateTime),
		Etag:           etag(r.Revision),
	}
	if r.TemplateID != "" {
		out.Template = templateName(r.ChannelID, r.TemplateID)
	}
	if r.Kind == "AUTHORIZATION" {
		out.Authorization = &reachv1.Authorization{
			AccessTokenInfo:        &reachv1.SecretInfo{Set: len(r.AccessToken) > 0},
			AccessTokenExpireTime:  tsp(r.TokenExpireTime),
			RefreshTokenExpireTime: tsp(r.RefreshExpireTime),
		}
	}
	return out
}
