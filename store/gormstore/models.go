package gormstore

import "time"

// The rows below mirror the tables created by the dialects' migrations. They are private:
// callers see only the store records, so the schema can change without touching them.
// GORM's automatic timestamps are not used (no CreatedAt/UpdatedAt names): the store sets
// every time itself so all dialects agree to the microsecond.

type tenantRow struct {
	ID         string     `gorm:"column:id;primaryKey"`
	Name       string     `gorm:"column:name"`
	CreateTime time.Time  `gorm:"column:create_time"`
	DeleteTime *time.Time `gorm:"column:delete_time"`
}

func (tenantRow) TableName() string { return "tenants" }

type apiKeyRow struct {
	ID         string     `gorm:"column:id;primaryKey"`
	TenantID   string     `gorm:"column:tenant_id"`
	Role       string     `gorm:"column:role"`
	Hash       string     `gorm:"column:hash"`
	CreateTime time.Time  `gorm:"column:create_time"`
	RevokeTime *time.Time `gorm:"column:revoke_time"`
	LastUsed   *time.Time `gorm:"column:last_used"`
}

func (apiKeyRow) TableName() string { return "api_keys" }

type channelRow struct {
	TenantID    string     `gorm:"column:tenant_id;primaryKey"`
	ID          string     `gorm:"column:id;primaryKey"`
	DisplayName string     `gorm:"column:display_name"`
	Type        string     `gorm:"column:type"`
	State       string     `gorm:"column:state"`
	StateReason string     `gorm:"column:state_reason"`
	VerifyTime  *time.Time `gorm:"column:verify_time"`
	Config      []byte     `gorm:"column:config"`
	Secrets     []byte     `gorm:"column:secrets"`
	Revision    int64      `gorm:"column:revision"`
	CreateTime  time.Time  `gorm:"column:create_time"`
	UpdateTime  time.Time  `gorm:"column:update_time"`
}

func (channelRow) TableName() string { return "channels" }

type templateRow struct {
	TenantID  string `gorm:"column:tenant_id;primaryKey"`
	ChannelID string `gorm:"column:channel_id;primaryKey"`
	ID        string `gorm:"column:id;primaryKey"`
	// ExternalID is NULL when empty so the (tenant, channel, external_id) unique index only
	// constrains templates that have one.
	ExternalID       *string    `gorm:"column:external_id"`
	DisplayName      string     `gorm:"column:display_name"`
	Keywords         string     `gorm:"column:keywords"` // JSON array of store.Keyword
	Options          []byte     `gorm:"column:options"`
	SubscriptionType string     `gorm:"column:subscription_type"`
	State            string     `gorm:"column:state"`
	StateReason      string     `gorm:"column:state_reason"`
	InvalidTime      *time.Time `gorm:"column:invalid_time"`
	Revision         int64      `gorm:"column:revision"`
	CreateTime       time.Time  `gorm:"column:create_time"`
	UpdateTime       time.Time  `gorm:"column:update_time"`
}

func (templateRow) TableName() string { return "templates" }

// subscriptionRow is keyed by its natural key; ID is a unique, generated handle.
type subscriptionRow struct {
	TenantID          string     `gorm:"column:tenant_id;primaryKey"`
	ChannelID         string     `gorm:"column:channel_id;primaryKey"`
	ID                string     `gorm:"column:id"`
	Kind              string     `gorm:"column:kind"`
	TemplateID        string     `gorm:"column:template_id;primaryKey"` // "" for followers and authorizations
	UserKind          string     `gorm:"column:user_kind;primaryKey"`
	UserID            string     `gorm:"column:user_id;primaryKey"`
	Type              string     `gorm:"column:type"`
	State             string     `gorm:"column:state"`
	StateReason       string     `gorm:"column:state_reason"`
	RemainingSends    int64      `gorm:"column:remaining_sends"`
	AccessToken       []byte     `gorm:"column:access_token"`
	RefreshToken      []byte     `gorm:"column:refresh_token"`
	TokenExpireTime   *time.Time `gorm:"column:token_expire_time"`
	RefreshExpireTime *time.Time `gorm:"column:refresh_expire_time"`
	EventTime         *time.Time `gorm:"column:event_time"`
	Revision          int64      `gorm:"column:revision"`
	CreateTime        time.Time  `gorm:"column:create_time"`
	UpdateTime        time.Time  `gorm:"column:update_time"`
}

func (subscriptionRow) TableName() string { return "subscriptions" }

type messageRow struct {
	TenantID      string     `gorm:"column:tenant_id;primaryKey"`
	ID            string     `gorm:"column:id;primaryKey"`
	ChannelID     string     `gorm:"column:channel_id"`
	TemplateID    string     `gorm:"column:template_id"`
	RequestID     string     `gorm:"column:request_id"`
	BatchIndex    int        `gorm:"column:batch_index"`
	RecipientKind string     `gorm:"column:recipient_kind"`
	RecipientID   string     `gorm:"column:recipient_id"`
	Payload       []byte     `gorm:"column:payload"`
	State         string     `gorm:"column:state"`
	StateReason   string     `gorm:"column:state_reason"`
	SendTime      *time.Time `gorm:"column:send_time"`
	ExpireTime    *time.Time `gorm:"column:expire_time"`
	Attempts      int        `gorm:"column:attempts"`
	DueTime       *time.Time `gorm:"column:due_time"`
	LeaseOwner    string     `gorm:"column:lease_owner"`
	LeaseExpire   *time.Time `gorm:"column:lease_expire_time"`
	SentTime      *time.Time `gorm:"column:sent_time"`
	ExternalID    string     `gorm:"column:external_id"`
	LastError     *string    `gorm:"column:last_error"` // JSON of store.AlipayError
	Reserved      bool       `gorm:"column:reserved"`
	BroadcastID   *string    `gorm:"column:broadcast_id"` // NULL for ordinary sends
	TraceParent   *string    `gorm:"column:trace_parent"` // NULL when the call was not traced
	Revision      int64      `gorm:"column:revision"`
	CreateTime    time.Time  `gorm:"column:create_time"`
	UpdateTime    time.Time  `gorm:"column:update_time"`
}

func (messageRow) TableName() string { return "messages" }

// eventRow is one step of a message's timeline; ID grows with insertion.
type eventRow struct {
	ID          int64     `gorm:"column:id;primaryKey;autoIncrement"`
	TenantID    string    `gorm:"column:tenant_id"`
	MessageID   string    `gorm:"column:message_id"`
	Time        time.Time `gorm:"column:event_time"`
	Kind        string    `gorm:"column:kind"`
	State       string    `gorm:"column:state"`
	Description string    `gorm:"column:description"`
	Attempt     int       `gorm:"column:attempt"`
	Replica     string    `gorm:"column:replica"`
	Code        string    `gorm:"column:code"`
	Msg         string    `gorm:"column:msg"`
	SubCode     string    `gorm:"column:sub_code"`
	SubMsg      string    `gorm:"column:sub_msg"`
	LatencyUS   int64     `gorm:"column:latency_us"`
	Revision    int64     `gorm:"column:revision"`
	TraceID     *string   `gorm:"column:trace_id"` // NULL when untraced
}

func (eventRow) TableName() string { return "message_events" }

// sendRequestRow is the idempotency record of one send request.
type sendRequestRow struct {
	TenantID    string    `gorm:"column:tenant_id;primaryKey"`
	RequestID   string    `gorm:"column:request_id;primaryKey"`
	RequestHash string    `gorm:"column:request_hash"`
	CreateTime  time.Time `gorm:"column:create_time"`
}

func (sendRequestRow) TableName() string { return "send_requests" }

// notificationRow records one applied Alipay notification until it expires.
type notificationRow struct {
	TenantID    string    `gorm:"column:tenant_id;primaryKey"`
	ChannelID   string    `gorm:"column:channel_id;primaryKey"`
	Key         string    `gorm:"column:notify_key;primaryKey"`
	EventTime   time.Time `gorm:"column:event_time"`
	ReceiveTime time.Time `gorm:"column:receive_time"`
	ExpireTime  time.Time `gorm:"column:expire_time"`
}

func (notificationRow) TableName() string { return "notifications" }

// pacingRow is a channel's shared send schedule: the first slot nobody has reserved.
type pacingRow struct {
	TenantID  string    `gorm:"column:tenant_id;primaryKey"`
	ChannelID string    `gorm:"column:channel_id;primaryKey"`
	NextSlot  time.Time `gorm:"column:next_slot"`
}

func (pacingRow) TableName() string { return "channel_pacing" }

// frequencyCountRow counts the messages one user got through one channel in one window.
type frequencyCountRow struct {
	TenantID    string    `gorm:"column:tenant_id;primaryKey"`
	ChannelID   string    `gorm:"column:channel_id;primaryKey"`
	UserKind    string    `gorm:"column:user_kind;primaryKey"`
	UserID      string    `gorm:"column:user_id;primaryKey"`
	WindowStart time.Time `gorm:"column:window_start;primaryKey"`
	Sends       int       `gorm:"column:sends"`
}

func (frequencyCountRow) TableName() string { return "frequency_counts" }

// contentSendRow is the last message with one content handed to Alipay for one user.
type contentSendRow struct {
	TenantID    string    `gorm:"column:tenant_id;primaryKey"`
	ChannelID   string    `gorm:"column:channel_id;primaryKey"`
	UserKind    string    `gorm:"column:user_kind;primaryKey"`
	UserID      string    `gorm:"column:user_id;primaryKey"`
	ContentHash string    `gorm:"column:content_hash;primaryKey"`
	MessageID   string    `gorm:"column:message_id"`
	SendTime    time.Time `gorm:"column:send_time"`
}

func (contentSendRow) TableName() string { return "content_sends" }

// webhookRow is one webhook endpoint; EventTypes is a JSON array.
type webhookRow struct {
	TenantID                 string     `gorm:"column:tenant_id;primaryKey"`
	ID                       string     `gorm:"column:id;primaryKey"`
	URL                      string     `gorm:"column:url"`
	EventTypes               string     `gorm:"column:event_types"`
	Description              string     `gorm:"column:description"`
	State                    string     `gorm:"column:state"`
	StateReason              string     `gorm:"column:state_reason"`
	Secret                   []byte     `gorm:"column:secret"`
	SecretFingerprint        string     `gorm:"column:secret_fingerprint"`
	PreviousSecret           []byte     `gorm:"column:previous_secret"`
	PreviousSecretExpireTime *time.Time `gorm:"column:previous_secret_expire_time"`
	Revision                 int64      `gorm:"column:revision"`
	CreateTime               time.Time  `gorm:"column:create_time"`
	UpdateTime               time.Time  `gorm:"column:update_time"`
}

func (webhookRow) TableName() string { return "webhooks" }
