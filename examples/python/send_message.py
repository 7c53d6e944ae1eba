"""An internal service calling Reach over gRPC in Python, with the stubs in gen/python.

Run with Debian's python3 (python3-grpcio, python3-protobuf) and PYTHONPATH=gen/python.
It creates a mini program channel and a long-term template, records the user's
subscription, sends a message, reads it back until it is SENT, and checks that a send
missing a keyword fails with INVALID_ARGUMENT and a google.rpc.BadRequest naming
data[keyword2]. Any other answer ends it with exit code 1. `make test-clients` runs it
against the Alipay simulator; it reads:
  REACH_GRPC_ADDR              the gRPC address, e.g. 127.0.0.1:9090
  REACH_API_KEY                an API key with the admin role
  ALIPAY_GATEWAY_URL           the channel's Alipay gateway (the simulator's /gateway.do)
  ALIPAY_APP_ID                the mini program's app id
  ALIPAY_APP_PRIVATE_KEY_FILE  its private key (PEM)
  ALIPAY_PUBLIC_KEY_FILE       Alipay's public key (PEM)
  ALIPAY_TEMPLATE_ID           a long-term template the user accepted in the mini program
  ALIPAY_USER_ID               that user (2088…)
"""

import json
import os
import sys
import time

import grpc
from google.rpc import error_details_pb2, status_pb2

from reach.v1 import (
    channel_pb2,
    channel_pb2_grpc,
    common_pb2,
    message_pb2,
    message_pb2_grpc,
    subscription_pb2,
    subscription_pb2_grpc,
    template_pb2,
    template_pb2_grpc,
)


class CheckFailed(Exception):
    """What the example expected did not happen."""


def check(ok, what, got):
    if not ok:
        raise CheckFailed(f"{what}; got {got!r}")


def read(name):
    with open(os.environ[name], encoding="utf-8") as f:
        return f.read()


def bad_request_fields(err):
    """The fields named by the google.rpc.BadRequest in a failed call's trailers."""
    for key, value in err.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                bad = error_details_pb2.BadRequest()
                if detail.Unpack(bad):
                    return [v.field for v in bad.field_violations]
    return []


def main():
    env = os.environ
    # Every call carries the API key; a channel is cheap to share, stubs too.
    auth = [("authorization", f"Bearer {env['REACH_API_KEY']}")]
    conn = grpc.insecure_channel(env["REACH_GRPC_ADDR"])
    channels = channel_pb2_grpc.ChannelServiceStub(conn)
    templates = template_pb2_grpc.TemplateServiceStub(conn)
    subscriptions = subscription_pb2_grpc.SubscriptionServiceStub(conn)
    messages = message_pb2_grpc.MessageServiceStub(conn)

    channel_id = f"py-example-{int(time.time() * 1000):x}"
    template_id = env["ALIPAY_TEMPLATE_ID"]
    user = common_pb2.User(user_id=env["ALIPAY_USER_ID"])

    # 1. A channel: Reach verifies the credentials with Alipay before it answers.
    channel = channels.CreateChannel(channel_pb2.CreateChannelRequest(
        channel_id=channel_id,
        channel=channel_pb2.Channel(
            display_name="Python example",
            type=channel_pb2.CHANNEL_TYPE_ALIPAY_MINI_PROGRAM,
            open_platform=channel_pb2.OpenPlatformCredentials(
                app_id=env["ALIPAY_APP_ID"],
                app_private_key=read("ALIPAY_APP_PRIVATE_KEY_FILE"),
                alipay_public_key=read("ALIPAY_PUBLIC_KEY_FILE"),
                gateway_url=env["ALIPAY_GATEWAY_URL"],
            ),
        ),
    ), metadata=auth, timeout=30).channel
    check(channel.state == channel_pb2.CHANNEL_STATE_ENABLED, "the channel should be ENABLED", channel)
    print(f"channel {channel.name} {channel_pb2.ChannelState.Name(channel.state)}")

    # 2. A template of that channel (its external id is the one in the Alipay console).
    template = templates.CreateTemplate(template_pb2.CreateTemplateRequest(
        parent=channel.name,
        template_id="order-shipped",
        template=template_pb2.Template(
            external_id=template_id,
            display_name="Order shipped",
            subscription_type=template_pb2.SUBSCRIPTION_TYPE_LONG_TERM,
            keywords=[
                template_pb2.TemplateKeyword(key="keyword1", label="Order number"),
                template_pb2.TemplateKeyword(key="keyword2", label="Carrier"),
            ],
        ),
    ), metadata=auth, timeout=30).template
    print(f"template {template.name}")

    # 3. The user accepted it in the mini program: pass my.requestSubscribeMessage's result.
    result = {
        "behavior": "subscribe", "show": True, "keep": True,
        "result": {"subscribeEntityIds": [template_id], "subscribedEntityIds": [template_id],
                   "unsubscribedEntityIds": [], "currentSubscribedEntityIds": [template_id]},
        template_id: "accept",
    }
    subscriptions.RecordSubscribeResult(subscription_pb2.RecordSubscribeResultRequest(
        parent=channel.name, user=user, result_json=json.dumps(result),
    ), metadata=auth, timeout=30)

    # 4. Send; request_id makes the call idempotent.
    message = messages.SendMessage(message_pb2.SendMessageRequest(
        request_id=f"{channel_id}-order-1001",
        template=template.name,
        recipient=user,
        data={"keyword1": "1001", "keyword2": "SF Express"},
        page="pages/orders/detail?id=1001",
    ), metadata=auth, timeout=30).message
    check(message.state == message_pb2.MESSAGE_STATE_QUEUED, "the message should be QUEUED", message)
    print(f"message {message.name} {message_pb2.MessageState.Name(message.state)}")

    # 5. Read it back until the dispatcher has handed it to Alipay.
    message = wait_sent(messages, auth, message.name)
    print(f"message {message.name} SENT at {message.sent_time.ToJsonString()}")

    # 6. Bad input: a keyword is missing.
    try:
        messages.SendMessage(message_pb2.SendMessageRequest(
            request_id=f"{channel_id}-bad", template=template.name, recipient=user,
            data={"keyword1": "1002"},
        ), metadata=auth, timeout=30)
        raise CheckFailed("a send missing a keyword should fail")
    except grpc.RpcError as err:
        check(err.code() == grpc.StatusCode.INVALID_ARGUMENT, "a missing keyword should be INVALID_ARGUMENT", err)
        fields = bad_request_fields(err)
        check("data[keyword2]" in fields, "the BadRequest should name data[keyword2]", fields)
        print(f"bad input: {err.code().name} {err.details()}")


def wait_sent(messages, auth, name):
    """Reads the message every 50 ms until it is SENT; another end state fails."""
    deadline = time.monotonic() + 15
    while True:
        message = messages.GetMessage(message_pb2.GetMessageRequest(name=name), metadata=auth, timeout=30).message
        if message.state == message_pb2.MESSAGE_STATE_SENT:
            return message
        check(message.state in (message_pb2.MESSAGE_STATE_QUEUED, message_pb2.MESSAGE_STATE_SENDING),
              "the message should be on its way", message)
        check(time.monotonic() < deadline, "the message should be SENT within 15 s", message)
        time.sleep(0.05)


if __name__ == "__main__":
    try:
        main()
    except (CheckFailed, grpc.RpcError, KeyError, OSError) as e:
        print(f"python example: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
    print("python example: ok")
