from google.protobuf import timestamp_pb2 as _timestamp_pb2
from reach.v1 import message_pb2 as _message_pb2
from reach.v1 import template_pb2 as _template_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

BROADCAST_STATE_CANCELLED: BroadcastState
BROADCAST_STATE_COMPLETED: BroadcastState
BROADCAST_STATE_PAUSED: BroadcastState
BROADCAST_STATE_RUNNING: BroadcastState
BROADCAST_STATE_SCHEDULED: BroadcastState
BROADCAST_STATE_UNSPECIFIED: BroadcastState
DESCRIPTOR: _descriptor.FileDescriptor

class Broadcast(_message.Message):
    __slots__ = ["category", "colors", "create_time", "data", "end_time", "enqueue_done", "enqueued", "expire_time", "life_account", "localizations", "name", "page", "progress", "request_id", "start_time", "state", "state_reason", "subscription_type", "template", "update_time"]
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
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ENQUEUED_FIELD_NUMBER: _ClassVar[int]
    ENQUEUE_DONE_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    LIFE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    LOCALIZATIONS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_REASON_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    category: _message_pb2.MessageCategory
    colors: _containers.ScalarMap[str, str]
    create_time: _timestamp_pb2.Timestamp
    data: _containers.ScalarMap[str, str]
    end_time: _timestamp_pb2.Timestamp
    enqueue_done: bool
    enqueued: int
    expire_time: _timestamp_pb2.Timestamp
    life_account: _message_pb2.LifeAccountMessageOptions
    localizations: _containers.RepeatedCompositeFieldContainer[_message_pb2.LocalizedData]
    name: str
    page: str
    progress: BroadcastProgress
    request_id: str
    start_time: _timestamp_pb2.Timestamp
    state: BroadcastState
    state_reason: str
    subscription_type: _template_pb2.SubscriptionType
    template: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., template: _Optional[str] = ..., subscription_type: _Optional[_Union[_template_pb2.SubscriptionType, str]] = ..., data: _Optional[_Mapping[str, str]] = ..., colors: _Optional[_Mapping[str, str]] = ..., localizations: _Optional[_Iterable[_Union[_message_pb2.LocalizedData, _Mapping]]] = ..., page: _Optional[str] = ..., life_account: _Optional[_Union[_message_pb2.LifeAccountMessageOptions, _Mapping]] = ..., category: _Optional[_Union[_message_pb2.MessageCategory, str]] = ..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ..., state: _Optional[_Union[BroadcastState, str]] = ..., state_reason: _Optional[str] = ..., enqueued: _Optional[int] = ..., enqueue_done: bool = ..., progress: _Optional[_Union[BroadcastProgress, _Mapping]] = ..., end_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BroadcastProgress(_message.Message):
    __slots__ = ["cancelled", "expired", "failed", "queued", "sent", "skipped"]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    SENT_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    cancelled: int
    expired: int
    failed: int
    queued: int
    sent: int
    skipped: int
    def __init__(self, queued: _Optional[int] = ..., sent: _Optional[int] = ..., failed: _Optional[int] = ..., skipped: _Optional[int] = ..., cancelled: _Optional[int] = ..., expired: _Optional[int] = ...) -> None: ...

class CancelBroadcastRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class CancelBroadcastResponse(_message.Message):
    __slots__ = ["broadcast"]
    BROADCAST_FIELD_NUMBER: _ClassVar[int]
    broadcast: Broadcast
    def __init__(self, broadcast: _Optional[_Union[Broadcast, _Mapping]] = ...) -> None: ...

class CreateBroadcastRequest(_message.Message):
    __slots__ = ["broadcast", "request_id"]
    BROADCAST_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    broadcast: Broadcast
    request_id: str
    def __init__(self, request_id: _Optional[str] = ..., broadcast: _Optional[_Union[Broadcast, _Mapping]] = ...) -> None: ...

class CreateBroadcastResponse(_message.Message):
    __slots__ = ["broadcast", "replayed"]
    BROADCAST_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    broadcast: Broadcast
    replayed: bool
    def __init__(self, broadcast: _Optional[_Union[Broadcast, _Mapping]] = ..., replayed: bool = ...) -> None: ...

class GetBroadcastRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetBroadcastResponse(_message.Message):
    __slots__ = ["broadcast"]
    BROADCAST_FIELD_NUMBER: _ClassVar[int]
    broadcast: Broadcast
    def __init__(self, broadcast: _Optional[_Union[Broadcast, _Mapping]] = ...) -> None: ...

class ListBroadcastsRequest(_message.Message):
    __slots__ = ["page_size", "page_token"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBroadcastsResponse(_message.Message):
    __slots__ = ["broadcasts", "next_page_token"]
    BROADCASTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    broadcasts: _containers.RepeatedCompositeFieldContainer[Broadcast]
    next_page_token: str
    def __init__(self, broadcasts: _Optional[_Iterable[_Union[Broadcast, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PauseBroadcastRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class PauseBroadcastResponse(_message.Message):
    __slots__ = ["broadcast"]
    BROADCAST_FIELD_NUMBER: _ClassVar[int]
    broadcast: Broadcast
    def __init__(self, broadcast: _Optional[_Union[Broadcast, _Mapping]] = ...) -> None: ...

class ResumeBroadcastRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ResumeBroadcastResponse(_message.Message):
    __slots__ = ["broadcast"]
    BROADCAST_FIELD_NUMBER: _ClassVar[int]
    broadcast: Broadcast
    def __init__(self, broadcast: _Optional[_Union[Broadcast, _Mapping]] = ...) -> None: ...

class BroadcastState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
