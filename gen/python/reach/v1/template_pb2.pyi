from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
SUBSCRIPTION_TYPE_LONG_TERM: SubscriptionType
SUBSCRIPTION_TYPE_ONE_TIME: SubscriptionType
SUBSCRIPTION_TYPE_UNSPECIFIED: SubscriptionType
TEMPLATE_STATE_ACTIVE: TemplateState
TEMPLATE_STATE_INVALID: TemplateState
TEMPLATE_STATE_UNSPECIFIED: TemplateState

class AlipayPlusTemplateOptions(_message.Message):
    __slots__ = ["languages", "redirect_url"]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    REDIRECT_URL_FIELD_NUMBER: _ClassVar[int]
    languages: _containers.RepeatedScalarFieldContainer[str]
    redirect_url: str
    def __init__(self, languages: _Optional[_Iterable[str]] = ..., redirect_url: _Optional[str] = ...) -> None: ...

class ClaimTemplateRequest(_message.Message):
    __slots__ = ["display_name", "first_enabled", "image_enabled", "keywords", "lib_code", "parent", "remark_enabled", "template_id"]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    FIRST_ENABLED_FIELD_NUMBER: _ClassVar[int]
    IMAGE_ENABLED_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    LIB_CODE_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REMARK_ENABLED_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    display_name: str
    first_enabled: bool
    image_enabled: bool
    keywords: _containers.RepeatedScalarFieldContainer[str]
    lib_code: str
    parent: str
    remark_enabled: bool
    template_id: str
    def __init__(self, parent: _Optional[str] = ..., template_id: _Optional[str] = ..., lib_code: _Optional[str] = ..., keywords: _Optional[_Iterable[str]] = ..., first_enabled: bool = ..., remark_enabled: bool = ..., image_enabled: bool = ..., display_name: _Optional[str] = ...) -> None: ...

class ClaimTemplateResponse(_message.Message):
    __slots__ = ["template"]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class CreateTemplateRequest(_message.Message):
    __slots__ = ["parent", "template", "template_id"]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    template: Template
    template_id: str
    def __init__(self, parent: _Optional[str] = ..., template_id: _Optional[str] = ..., template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class CreateTemplateResponse(_message.Message):
    __slots__ = ["template"]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class DeleteTemplateRequest(_message.Message):
    __slots__ = ["etag", "name"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    etag: str
    name: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteTemplateResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetTemplateRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetTemplateResponse(_message.Message):
    __slots__ = ["template"]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class ImportTemplateRequest(_message.Message):
    __slots__ = ["content", "display_name", "external_id", "parent", "subscription_type", "template_id"]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    content: str
    display_name: str
    external_id: str
    parent: str
    subscription_type: SubscriptionType
    template_id: str
    def __init__(self, parent: _Optional[str] = ..., template_id: _Optional[str] = ..., content: _Optional[str] = ..., external_id: _Optional[str] = ..., display_name: _Optional[str] = ..., subscription_type: _Optional[_Union[SubscriptionType, str]] = ...) -> None: ...

class ImportTemplateResponse(_message.Message):
    __slots__ = ["template"]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class LifeAccountTemplateOptions(_message.Message):
    __slots__ = ["action_name", "first_enabled", "head_color", "remark_enabled", "title", "url"]
    ACTION_NAME_FIELD_NUMBER: _ClassVar[int]
    FIRST_ENABLED_FIELD_NUMBER: _ClassVar[int]
    HEAD_COLOR_FIELD_NUMBER: _ClassVar[int]
    REMARK_ENABLED_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    action_name: str
    first_enabled: bool
    head_color: str
    remark_enabled: bool
    title: str
    url: str
    def __init__(self, title: _Optional[str] = ..., head_color: _Optional[str] = ..., url: _Optional[str] = ..., action_name: _Optional[str] = ..., first_enabled: bool = ..., remark_enabled: bool = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
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

class ListTemplatesResponse(_message.Message):
    __slots__ = ["next_page_token", "templates"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    templates: _containers.RepeatedCompositeFieldContainer[Template]
    def __init__(self, templates: _Optional[_Iterable[_Union[Template, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class MiniProgramTemplateOptions(_message.Message):
    __slots__ = ["page"]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: str
    def __init__(self, page: _Optional[str] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ["alipay_plus", "create_time", "display_name", "etag", "external_id", "invalid_time", "keywords", "life_account", "mini_program", "name", "state", "state_reason", "subscription_type", "update_time"]
    ALIPAY_PLUS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    INVALID_TIME_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    LIFE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    MINI_PROGRAM_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_REASON_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    alipay_plus: AlipayPlusTemplateOptions
    create_time: _timestamp_pb2.Timestamp
    display_name: str
    etag: str
    external_id: str
    invalid_time: _timestamp_pb2.Timestamp
    keywords: _containers.RepeatedCompositeFieldContainer[TemplateKeyword]
    life_account: LifeAccountTemplateOptions
    mini_program: MiniProgramTemplateOptions
    name: str
    state: TemplateState
    state_reason: str
    subscription_type: SubscriptionType
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., external_id: _Optional[str] = ..., display_name: _Optional[str] = ..., keywords: _Optional[_Iterable[_Union[TemplateKeyword, _Mapping]]] = ..., subscription_type: _Optional[_Union[SubscriptionType, str]] = ..., life_account: _Optional[_Union[LifeAccountTemplateOptions, _Mapping]] = ..., mini_program: _Optional[_Union[MiniProgramTemplateOptions, _Mapping]] = ..., alipay_plus: _Optional[_Union[AlipayPlusTemplateOptions, _Mapping]] = ..., state: _Optional[_Union[TemplateState, str]] = ..., state_reason: _Optional[str] = ..., invalid_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class TemplateKeyword(_message.Message):
    __slots__ = ["key", "label", "max_length"]
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    key: str
    label: str
    max_length: int
    def __init__(self, key: _Optional[str] = ..., label: _Optional[str] = ..., max_length: _Optional[int] = ...) -> None: ...

class UpdateTemplateRequest(_message.Message):
    __slots__ = ["template", "update_mask"]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    template: Template
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateTemplateResponse(_message.Message):
    __slots__ = ["template"]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class SubscriptionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class TemplateState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
