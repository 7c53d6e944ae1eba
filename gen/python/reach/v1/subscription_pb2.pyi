from google.protobuf import timestamp_pb2 as _timestamp_pb2
from reach.v1 import common_pb2 as _common_pb2
from reach.v1 import template_pb2 as _template_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
SUBSCRIBE_OUTCOME_CANCELLED: SubscribeOutcome
SUBSCRIBE_OUTCOME_FAILED: SubscribeOutcome
SUBSCRIBE_OUTCOME_SUBSCRIBED: SubscribeOutcome
SUBSCRIBE_OUTCOME_UNSPECIFIED: SubscribeOutcome
SUBSCRIPTION_KIND_AUTHORIZATION: SubscriptionKind
SUBSCRIPTION_KIND_FOLLOWER: SubscriptionKind
SUBSCRIPTION_KIND_TEMPLATE: SubscriptionKind
SUBSCRIPTION_KIND_UNSPECIFIED: SubscriptionKind
SUBSCRIPTION_STATE_ACTIVE: SubscriptionState
SUBSCRIPTION_STATE_CANCELLED: SubscriptionState
SUBSCRIPTION_STATE_EXHAUSTED: SubscriptionState
SUBSCRIPTION_STATE_EXPIRED: SubscriptionState
SUBSCRIPTION_STATE_REJECTED: SubscriptionState
SUBSCRIPTION_STATE_UNSPECIFIED: SubscriptionState

class Authorization(_message.Message):
    __slots__ = ["access_token_expire_time", "access_token_info", "refresh_token_expire_time"]
    ACCESS_TOKEN_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ACCESS_TOKEN_INFO_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TOKEN_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    access_token_expire_time: _timestamp_pb2.Timestamp
    access_token_info: _common_pb2.SecretInfo
    refresh_token_expire_time: _timestamp_pb2.Timestamp
    def __init__(self, access_token_info: _Optional[_Union[_common_pb2.SecretInfo, _Mapping]] = ..., access_token_expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., refresh_token_expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AuthorizeUserRequest(_message.Message):
    __slots__ = ["auth_code", "parent"]
    AUTH_CODE_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    auth_code: str
    parent: str
    def __init__(self, parent: _Optional[str] = ..., auth_code: _Optional[str] = ...) -> None: ...

class AuthorizeUserResponse(_message.Message):
    __slots__ = ["subscription"]
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class CancelSubscriptionRequest(_message.Message):
    __slots__ = ["name", "reason"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelSubscriptionResponse(_message.Message):
    __slots__ = ["subscription"]
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class CreateSubscriptionRequest(_message.Message):
    __slots__ = ["parent", "subscription"]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    parent: str
    subscription: Subscription
    def __init__(self, parent: _Optional[str] = ..., subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class CreateSubscriptionResponse(_message.Message):
    __slots__ = ["subscription"]
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class GetSubscriptionRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetSubscriptionResponse(_message.Message):
    __slots__ = ["subscription"]
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class ListSubscriptionsRequest(_message.Message):
    __slots__ = ["filter", "page_size", "page_token", "parent"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    filter: str
    page_size: int
    page_token: str
    parent: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListSubscriptionsResponse(_message.Message):
    __slots__ = ["next_page_token", "subscriptions"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    subscriptions: _containers.RepeatedCompositeFieldContainer[Subscription]
    def __init__(self, subscriptions: _Optional[_Iterable[_Union[Subscription, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RecordSubscribeResultRequest(_message.Message):
    __slots__ = ["parent", "result_json", "user"]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    parent: str
    result_json: str
    user: _common_pb2.User
    def __init__(self, parent: _Optional[str] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., result_json: _Optional[str] = ...) -> None: ...

class RecordSubscribeResultResponse(_message.Message):
    __slots__ = ["error_code", "outcome", "subscriptions", "unknown_template_ids"]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_TEMPLATE_IDS_FIELD_NUMBER: _ClassVar[int]
    error_code: str
    outcome: SubscribeOutcome
    subscriptions: _containers.RepeatedCompositeFieldContainer[Subscription]
    unknown_template_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, outcome: _Optional[_Union[SubscribeOutcome, str]] = ..., subscriptions: _Optional[_Iterable[_Union[Subscription, _Mapping]]] = ..., unknown_template_ids: _Optional[_Iterable[str]] = ..., error_code: _Optional[str] = ...) -> None: ...

class Subscription(_message.Message):
    __slots__ = ["authorization", "create_time", "etag", "kind", "name", "remaining_sends", "state", "state_reason", "template", "type", "update_time", "user"]
    AUTHORIZATION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REMAINING_SENDS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_REASON_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    authorization: Authorization
    create_time: _timestamp_pb2.Timestamp
    etag: str
    kind: SubscriptionKind
    name: str
    remaining_sends: int
    state: SubscriptionState
    state_reason: str
    template: str
    type: _template_pb2.SubscriptionType
    update_time: _timestamp_pb2.Timestamp
    user: _common_pb2.User
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[SubscriptionKind, str]] = ..., template: _Optional[str] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., type: _Optional[_Union[_template_pb2.SubscriptionType, str]] = ..., state: _Optional[_Union[SubscriptionState, str]] = ..., state_reason: _Optional[str] = ..., remaining_sends: _Optional[int] = ..., authorization: _Optional[_Union[Authorization, _Mapping]] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class SyncSubscriptionsRequest(_message.Message):
    __slots__ = ["parent", "templates", "user"]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    parent: str
    templates: _containers.RepeatedScalarFieldContainer[str]
    user: _common_pb2.User
    def __init__(self, parent: _Optional[str] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., templates: _Optional[_Iterable[str]] = ...) -> None: ...

class SyncSubscriptionsResponse(_message.Message):
    __slots__ = ["subscriptions"]
    SUBSCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    subscriptions: _containers.RepeatedCompositeFieldContainer[Subscription]
    def __init__(self, subscriptions: _Optional[_Iterable[_Union[Subscription, _Mapping]]] = ...) -> None: ...

class SubscriptionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SubscriptionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SubscribeOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
