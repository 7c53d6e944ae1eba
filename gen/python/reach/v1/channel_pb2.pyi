from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from reach.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CHANNEL_STATE_AUTH_FAILED: ChannelState
CHANNEL_STATE_DISABLED: ChannelState
CHANNEL_STATE_ENABLED: ChannelState
CHANNEL_STATE_UNSPECIFIED: ChannelState
CHANNEL_STATE_UNVERIFIED: ChannelState
CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT: ChannelType
CHANNEL_TYPE_ALIPAY_MINI_PROGRAM: ChannelType
CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM: ChannelType
CHANNEL_TYPE_UNSPECIFIED: ChannelType
DESCRIPTOR: _descriptor.FileDescriptor
FREQUENCY_WINDOW_DAY: FrequencyWindow
FREQUENCY_WINDOW_HOUR: FrequencyWindow
FREQUENCY_WINDOW_UNSPECIFIED: FrequencyWindow
FREQUENCY_WINDOW_WEEK: FrequencyWindow
OVER_CAP_ACTION_DELAY: OverCapAction
OVER_CAP_ACTION_FAIL: OverCapAction
OVER_CAP_ACTION_UNSPECIFIED: OverCapAction
QUIET_HOURS_ACTION_DELAY: QuietHoursAction
QUIET_HOURS_ACTION_FAIL: QuietHoursAction
QUIET_HOURS_ACTION_UNSPECIFIED: QuietHoursAction

class AlipayPlusCredentials(_message.Message):
    __slots__ = ["app_id", "auth_client_id", "client_id", "customer_belongs_to", "gateway_url", "key_version", "merchant_private_key", "merchant_private_key_info", "platform_public_key", "platform_public_key_fingerprint"]
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    AUTH_CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_BELONGS_TO_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_URL_FIELD_NUMBER: _ClassVar[int]
    KEY_VERSION_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_PRIVATE_KEY_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_PRIVATE_KEY_INFO_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_PUBLIC_KEY_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    app_id: str
    auth_client_id: str
    client_id: str
    customer_belongs_to: str
    gateway_url: str
    key_version: str
    merchant_private_key: str
    merchant_private_key_info: _common_pb2.SecretInfo
    platform_public_key: str
    platform_public_key_fingerprint: str
    def __init__(self, client_id: _Optional[str] = ..., merchant_private_key: _Optional[str] = ..., merchant_private_key_info: _Optional[_Union[_common_pb2.SecretInfo, _Mapping]] = ..., platform_public_key: _Optional[str] = ..., key_version: _Optional[str] = ..., app_id: _Optional[str] = ..., auth_client_id: _Optional[str] = ..., customer_belongs_to: _Optional[str] = ..., gateway_url: _Optional[str] = ..., platform_public_key_fingerprint: _Optional[str] = ...) -> None: ...

class Channel(_message.Message):
    __slots__ = ["alipay_plus", "create_time", "delivery_policy", "display_name", "etag", "name", "notify_path", "open_platform", "state", "state_reason", "type", "update_time", "verify_time"]
    ALIPAY_PLUS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_POLICY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NOTIFY_PATH_FIELD_NUMBER: _ClassVar[int]
    OPEN_PLATFORM_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_REASON_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    VERIFY_TIME_FIELD_NUMBER: _ClassVar[int]
    alipay_plus: AlipayPlusCredentials
    create_time: _timestamp_pb2.Timestamp
    delivery_policy: DeliveryPolicy
    display_name: str
    etag: str
    name: str
    notify_path: str
    open_platform: OpenPlatformCredentials
    state: ChannelState
    state_reason: str
    type: ChannelType
    update_time: _timestamp_pb2.Timestamp
    verify_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., type: _Optional[_Union[ChannelType, str]] = ..., state: _Optional[_Union[ChannelState, str]] = ..., state_reason: _Optional[str] = ..., verify_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., open_platform: _Optional[_Union[OpenPlatformCredentials, _Mapping]] = ..., alipay_plus: _Optional[_Union[AlipayPlusCredentials, _Mapping]] = ..., delivery_policy: _Optional[_Union[DeliveryPolicy, _Mapping]] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., notify_path: _Optional[str] = ...) -> None: ...

class CreateChannelRequest(_message.Message):
    __slots__ = ["channel", "channel_id"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ..., channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class CreateChannelResponse(_message.Message):
    __slots__ = ["channel"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class DeleteChannelRequest(_message.Message):
    __slots__ = ["etag", "name"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    etag: str
    name: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteChannelResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DeliveryPolicy(_message.Message):
    __slots__ = ["at_most_once", "burst", "dedup_window", "frequency_cap", "max_attempts", "max_in_flight", "max_per_user_per_day", "max_sends_per_second", "quiet_hours"]
    AT_MOST_ONCE_FIELD_NUMBER: _ClassVar[int]
    BURST_FIELD_NUMBER: _ClassVar[int]
    DEDUP_WINDOW_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_CAP_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    MAX_IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    MAX_PER_USER_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    MAX_SENDS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_FIELD_NUMBER: _ClassVar[int]
    at_most_once: bool
    burst: int
    dedup_window: _duration_pb2.Duration
    frequency_cap: FrequencyCap
    max_attempts: int
    max_in_flight: int
    max_per_user_per_day: int
    max_sends_per_second: int
    quiet_hours: QuietHours
    def __init__(self, max_sends_per_second: _Optional[int] = ..., max_attempts: _Optional[int] = ..., max_per_user_per_day: _Optional[int] = ..., at_most_once: bool = ..., max_in_flight: _Optional[int] = ..., burst: _Optional[int] = ..., quiet_hours: _Optional[_Union[QuietHours, _Mapping]] = ..., frequency_cap: _Optional[_Union[FrequencyCap, _Mapping]] = ..., dedup_window: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class DisableChannelRequest(_message.Message):
    __slots__ = ["name", "reason"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DisableChannelResponse(_message.Message):
    __slots__ = ["channel"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class EnableChannelRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class EnableChannelResponse(_message.Message):
    __slots__ = ["channel"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class FrequencyCap(_message.Message):
    __slots__ = ["action", "marketing_only", "max_messages", "time_zone", "window"]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    MARKETING_ONLY_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    action: OverCapAction
    marketing_only: bool
    max_messages: int
    time_zone: str
    window: FrequencyWindow
    def __init__(self, max_messages: _Optional[int] = ..., window: _Optional[_Union[FrequencyWindow, str]] = ..., marketing_only: bool = ..., action: _Optional[_Union[OverCapAction, str]] = ..., time_zone: _Optional[str] = ...) -> None: ...

class GetChannelRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetChannelResponse(_message.Message):
    __slots__ = ["channel"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class ListChannelsRequest(_message.Message):
    __slots__ = ["filter", "page_size", "page_token"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: str
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListChannelsResponse(_message.Message):
    __slots__ = ["channels", "next_page_token"]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    next_page_token: str
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class OpenPlatformCredentials(_message.Message):
    __slots__ = ["alipay_public_cert", "alipay_public_key", "alipay_public_key_fingerprint", "alipay_root_cert", "alipay_root_cert_sn", "app_cert_sn", "app_id", "app_private_key", "app_private_key_info", "app_public_cert", "encrypt_key", "encrypt_key_info", "gateway_url"]
    ALIPAY_PUBLIC_CERT_FIELD_NUMBER: _ClassVar[int]
    ALIPAY_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    ALIPAY_PUBLIC_KEY_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    ALIPAY_ROOT_CERT_FIELD_NUMBER: _ClassVar[int]
    ALIPAY_ROOT_CERT_SN_FIELD_NUMBER: _ClassVar[int]
    APP_CERT_SN_FIELD_NUMBER: _ClassVar[int]
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    APP_PRIVATE_KEY_FIELD_NUMBER: _ClassVar[int]
    APP_PRIVATE_KEY_INFO_FIELD_NUMBER: _ClassVar[int]
    APP_PUBLIC_CERT_FIELD_NUMBER: _ClassVar[int]
    ENCRYPT_KEY_FIELD_NUMBER: _ClassVar[int]
    ENCRYPT_KEY_INFO_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_URL_FIELD_NUMBER: _ClassVar[int]
    alipay_public_cert: str
    alipay_public_key: str
    alipay_public_key_fingerprint: str
    alipay_root_cert: str
    alipay_root_cert_sn: str
    app_cert_sn: str
    app_id: str
    app_private_key: str
    app_private_key_info: _common_pb2.SecretInfo
    app_public_cert: str
    encrypt_key: str
    encrypt_key_info: _common_pb2.SecretInfo
    gateway_url: str
    def __init__(self, app_id: _Optional[str] = ..., app_private_key: _Optional[str] = ..., app_private_key_info: _Optional[_Union[_common_pb2.SecretInfo, _Mapping]] = ..., alipay_public_key: _Optional[str] = ..., app_public_cert: _Optional[str] = ..., alipay_public_cert: _Optional[str] = ..., alipay_root_cert: _Optional[str] = ..., encrypt_key: _Optional[str] = ..., encrypt_key_info: _Optional[_Union[_common_pb2.SecretInfo, _Mapping]] = ..., gateway_url: _Optional[str] = ..., alipay_public_key_fingerprint: _Optional[str] = ..., app_cert_sn: _Optional[str] = ..., alipay_root_cert_sn: _Optional[str] = ...) -> None: ...

class QuietHours(_message.Message):
    __slots__ = ["action", "end", "start", "time_zone"]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    action: QuietHoursAction
    end: str
    start: str
    time_zone: str
    def __init__(self, start: _Optional[str] = ..., end: _Optional[str] = ..., time_zone: _Optional[str] = ..., action: _Optional[_Union[QuietHoursAction, str]] = ...) -> None: ...

class UpdateChannelRequest(_message.Message):
    __slots__ = ["channel", "update_mask"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateChannelResponse(_message.Message):
    __slots__ = ["channel"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class VerifyChannelRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class VerifyChannelResponse(_message.Message):
    __slots__ = ["channel"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class ChannelType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ChannelState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class FrequencyWindow(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class OverCapAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class QuietHoursAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
