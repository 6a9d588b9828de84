"""The sandbox's stand-in SMS gateway: what the platform's `sms` notifier posts is written
to the sandbox's log, where a demo person reads their login code."""

import json
import logging
import urllib.request


def test_a_posted_sms_is_logged_with_the_phone_masked(sandbox, caplog):
    body = json.dumps({"phone": "13900001234", "text": "【您好办】您的登录验证码为123456"})
    request = urllib.request.Request(
        f"{sandbox.url}/sms", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with (
        caplog.at_level(logging.INFO, logger="ninhaoban.sandbox.sms"),
        urllib.request.urlopen(request, timeout=5) as response,
    ):
        assert json.load(response) == {"sent": True}
    assert "139****1234: 【您好办】您的登录验证码为123456" in caplog.text
    assert "13900001234" not in caplog.text
