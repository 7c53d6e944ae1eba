from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from reach.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
MESSAGE_CATEGORY_MARKETING: MessageCategory
MESSAGE_CATEGORY_TRANSACTIONAL: MessageCategory
MESSAGE_CATEGORY_UNSPECIFIED: MessageCategory
MESSAGE_STATE_CANCELLED: MessageState
MESSAGE_STATE_EXPIRED: MessageState
MESSAGE_STATE_FAILED: MessageState
MESSAGE_STATE_QUEUED: MessageState
MESSAGE_STATE_SENDING: MessageState
MESSAGE_STATE_SENT: MessageState
MESSAGE_STATE_UNSPECIFIED: MessageState

class BatchSendMessagesRequest(_message.Message):
    __slots__ = ["category", "colors", "data", "expire_time", "life_account", "localizations", "page", "recipients", "request_id", "send_time", "template"]
    class ColorsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class DataEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    COLORS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    LIFE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    LOCALIZATIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    category: MessageCategory
    colors: _containers.ScalarMap[str, str]
    data: _containers.ScalarMap[str, str]
    expire_time: _timestamp_pb2.Timestamp
    life_account: LifeAccountMessageOptions
    localizations: _containers.RepeatedCompositeFieldContainer[LocalizedData]
    page: str
    recipients: _containers.RepeatedCompositeFieldContainer[Recipient]
    request_id: str
    send_time: _timestamp_pb2.Timestamp
    template: str
    def __init__(self, request_id: _Optional[str] = ..., template: _Optional[str] = ..., recipients: _Optional[_Iterable[_Union[Recipient, _Mapping]]] = ..., data: _Optional[_Mapping[str, str]] = ..., colors: _Optional[_Mapping[str, str]] = ..., localizations: _Optional[_Iterable[_Union[LocalizedData, _Mapping]]] = ..., page: _Optional[str] = ..., life_account: _Optional[_Union[LifeAccountMessageOptions, _Mapping]] = ..., send_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., category: _Optional[_Union[MessageCategory, str]] = ...) -> None: ...

class BatchSendMessagesResponse(_message.Message):
    __slots__ = ["messages", "replayed"]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    replayed: bool
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., replayed: bool = ...) -> None: ...

class CancelMessageRequest(_message.Message):
    __slots__ = ["name", "reason"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelMessageResponse(_message.Message):
    __slots__ = ["message"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class GetMessageRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetMessageResponse(_message.Message):
    __slots__ = ["message"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class LifeAccountMessageOptions(_message.Message):
    __slots__ = ["action_name", "head_color", "url"]
    ACTION_NAME_FIELD_NUMBER: _ClassVar[int]
    HEAD_COLOR_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    action_name: str
    head_color: str
    url: str
    def __init__(self, url: _Optional[str] = ..., head_color: _Optional[str] = ..., action_name: _Optional[str] = ...) -> None: ...

class ListMessageEventsRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "parent"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    parent: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListMessageEventsResponse(_message.Message):
    __slots__ = ["events", "next_page_token"]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[MessageEvent]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[MessageEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListMessagesRequest(_message.Message):
    __slots__ = ["filter", "page_size", "page_token"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: str
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ["messages", "next_page_token"]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    next_page_token: str
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LocalizedData(_message.Message):
    __slots__ = ["data", "language"]
    class DataEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    DATA_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    data: _containers.ScalarMap[str, str]
    language: str
    def __init__(self, language: _Optional[str] = ..., data: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Message(_message.Message):
    __slots__ = ["attempts", "broadcast", "category", "channel", "colors", "create_time", "data", "expire_time", "external_id", "last_error", "life_account", "localizations", "name", "page", "recipient", "request_id", "send_time", "sent_time", "state", "state_reason", "template", "update_time"]
    class ColorsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class DataEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    BROADCAST_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    COLORS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    LIFE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    LOCALIZATIONS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    SENT_TIME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_REASON_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    attempts: int
    broadcast: str
    category: MessageCategory
    channel: str
    colors: _containers.ScalarMap[str, str]
    create_time: _timestamp_pb2.Timestamp
    data: _containers.ScalarMap[str, str]
    expire_time: _timestamp_pb2.Timestamp
    external_id: str
    last_error: _common_pb2.AlipayError
    life_account: LifeAccountMessageOptions
    localizations: _containers.RepeatedCompositeFieldContainer[LocalizedData]
    name: str
    page: str
    recipient: _common_pb2.User
    request_id: str
    send_time: _timestamp_pb2.Timestamp
    sent_time: _timestamp_pb2.Timestamp
    state: MessageState
    state_reason: str
    template: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., channel: _Optional[str] = ..., template: _Optional[str] = ..., recipient: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., data: _Optional[_Mapping[str, str]] = ..., colors: _Optional[_Mapping[str, str]] = ..., localizations: _Optional[_Iterable[_Union[LocalizedData, _Mapping]]] = ..., page: _Optional[str] = ..., life_account: _Optional[_Union[LifeAccountMessageOptions, _Mapping]] = ..., request_id: _Optional[str] = ..., state: _Optional[_Union[MessageState, str]] = ..., state_reason: _Optional[str] = ..., last_error: _Optional[_Union[_common_pb2.AlipayError, _Mapping]] = ..., attempts: _Optional[int] = ..., send_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., sent_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., external_id: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., category: _Optional[_Union[MessageCategory, str]] = ..., broadcast: _Optional[str] = ...) -> None: ...

class MessageEvent(_message.Message):
    __slots__ = ["alipay_error", "attempt", "description", "kind", "latency", "replica", "state", "time", "trace_id"]
    ALIPAY_ERROR_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LATENCY_FIELD_NUMBER: _ClassVar[int]
    REPLICA_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    alipay_error: _common_pb2.AlipayError
    attempt: int
    description: str
    kind: str
    latency: _duration_pb2.Duration
    replica: str
    state: MessageState
    time: _timestamp_pb2.Timestamp
    trace_id: str
    def __init__(self, time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[MessageState, str]] = ..., description: _Optional[str] = ..., alipay_error: _Optional[_Union[_common_pb2.AlipayError, _Mapping]] = ..., attempt: _Optional[int] = ..., kind: _Optional[str] = ..., replica: _Optional[str] = ..., latency: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., trace_id: _Optional[str] = ...) -> None: ...

class Recipient(_message.Message):
    __slots__ = ["data", "user"]
    class DataEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    DATA_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    data: _containers.ScalarMap[str, str]
    user: _common_pb2.User
    def __init__(self, user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., data: _Optional[_Mapping[str, str]] = ...) -> None: ...

class RetryMessageRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class RetryMessageResponse(_message.Message):
    __slots__ = ["message"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ["category", "colors", "data", "expire_time", "life_account", "localizations", "page", "recipient", "request_id", "send_time", "template"]
    class ColorsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class DataEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    COLORS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    LIFE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    LOCALIZATIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    category: MessageCategory
    colors: _containers.ScalarMap[str, str]
    data: _containers.ScalarMap[str, str]
    expire_time: _timestamp_pb2.Timestamp
    life_account: LifeAccountMessageOptions
    localizations: _containers.RepeatedCompositeFieldContainer[LocalizedData]
    page: str
    recipient: _common_pb2.User
    request_id: str
    send_time: _timestamp_pb2.Timestamp
    template: str
    def __init__(self, request_id: _Optional[str] = ..., template: _Optional[str] = ..., recipient: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., data: _Optional[_Mapping[str, str]] = ..., colors: _Optional[_Mapping[str, str]] = ..., localizations: _Optional[_Iterable[_Union[LocalizedData, _Mapping]]] = ..., page: _Optional[str] = ..., life_account: _Optional[_Union[LifeAccountMessageOptions, _Mapping]] = ..., send_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., category: _Optional[_Union[MessageCategory, str]] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ["message", "replayed"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    message: Message
    replayed: bool
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ..., replayed: bool = ...) -> None: ...

class WatchMessagesRequest(_message.Message):
    __slots__ = ["cursor", "filter"]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    filter: str
    def __init__(self, filter: _Optional[str] = ..., cursor: _Optional[str] = ...) -> None: ...

class WatchMessagesResponse(_message.Message):
    __slots__ = ["cursor", "event", "message", "request_id", "revision", "template"]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    event: MessageEvent
    message: str
    request_id: str
    revision: int
    template: str
    def __init__(self, message: _Optional[str] = ..., event: _Optional[_Union[MessageEvent, _Mapping]] = ..., revision: _Optional[int] = ..., template: _Optional[str] = ..., request_id: _Optional[str] = ..., cursor: _Optional[str] = ...) -> None: ...

class MessageState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class MessageCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
