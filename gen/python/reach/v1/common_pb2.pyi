from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class AlipayError(_message.Message):
    __slots__ = ["code", "msg", "sub_code", "sub_msg"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MSG_FIELD_NUMBER: _ClassVar[int]
    SUB_CODE_FIELD_NUMBER: _ClassVar[int]
    SUB_MSG_FIELD_NUMBER: _ClassVar[int]
    code: str
    msg: str
    sub_code: str
    sub_msg: str
    def __init__(self, code: _Optional[str] = ..., msg: _Optional[str] = ..., sub_code: _Optional[str] = ..., sub_msg: _Optional[str] = ...) -> None: ...

class SecretInfo(_message.Message):
    __slots__ = ["fingerprint", "set"]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    SET_FIELD_NUMBER: _ClassVar[int]
    fingerprint: str
    set: bool
    def __init__(self, set: bool = ..., fingerprint: _Optional[str] = ...) -> None: ...

class User(_message.Message):
    __slots__ = ["customer_id", "open_id", "user_id"]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OPEN_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    open_id: str
    user_id: str
    def __init__(self, user_id: _Optional[str] = ..., open_id: _Optional[str] = ..., customer_id: _Optional[str] = ...) -> None: ...
