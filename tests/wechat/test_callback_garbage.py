"""Forged and garbage callbacks: never a 5xx, never an error text, and nothing reaches the handler."""

from __future__ import annotations

import random

import httpx
import pytest

from bot.wechat.signatures import signature
from tests.wechat.conftest import URL, Account
from village.clock import ManualClock


def signed(clock: ManualClock, *, encrypt: str | None = None, token: str = "fake-token") -> dict[str, str]:
    timestamp, nonce = str(int(clock.now().timestamp())), "777"
    params = {"timestamp": timestamp, "nonce": nonce, "signature": signature(token, timestamp, nonce)}
    if encrypt is not None:
        params |= {"encrypt_type": "aes", "msg_signature": signature(token, timestamp, nonce, encrypt)}
    return params


def assert_harmless(answer: httpx.Response, account: Account) -> None:
    assert answer.status_code < 500
    assert answer.text in ("", "success")
    assert account.handler.received == []


async def test_a_bad_msg_signature_is_refused(account: Account, clock: ManualClock) -> None:
    body = "<xml><Encrypt><![CDATA[QUJD]]></Encrypt></xml>"
    params = signed(clock, encrypt="QUJD") | {"msg_signature": "0" * 40}

    answer = await account.http.post(URL, params=params, content=body)

    assert answer.status_code == 403
    assert_harmless(answer, account)


async def test_a_push_signed_with_another_token_is_refused(account: Account, clock: ManualClock) -> None:
    body = "<xml><Encrypt><![CDATA[QUJD]]></Encrypt></xml>"

    answer = await account.http.post(URL, params=signed(clock, encrypt="QUJD", token="guess"), content=body)

    assert answer.status_code == 403
    assert_harmless(answer, account)


@pytest.mark.parametrize("encrypt", ["", "not base64!", "QUJD", "A" * 44, "////" * 40])
async def test_signed_garbage_ciphertext_is_refused(account: Account, clock: ManualClock, encrypt: str) -> None:
    body = f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"

    answer = await account.http.post(URL, params=signed(clock, encrypt=encrypt), content=body)

    assert_harmless(answer, account)


@pytest.mark.parametrize("body", [
    b"", b"not xml", b"<xml></xml>", b"<xml><Encrypt/></xml>", b"\xff\xfe\x00garbage",
    b'<!DOCTYPE xml [<!ENTITY a "QUJD">]><xml><Encrypt>&a;</Encrypt></xml>',
    b'<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Encrypt>&x;</Encrypt></xml>',
])
async def test_signed_garbage_bodies_are_refused(account: Account, clock: ManualClock, body: bytes) -> None:
    answer = await account.http.post(URL, params=signed(clock, encrypt="QUJD"), content=body)

    assert_harmless(answer, account)


async def test_an_encrypted_push_of_garbage_xml_answers_success(account: Account) -> None:
    for inner in ("<xml></xml>", "plain words", "<xml><MsgType>text</MsgType></xml>"):
        answer = await account.pusher.push(inner)

        assert (answer.status_code, answer.text) == (200, "success")
        assert_harmless(answer, account)


async def test_an_oversized_body_is_refused_before_it_is_read(account: Account, clock: ManualClock) -> None:
    body = b"<xml><Encrypt><![CDATA[" + b"A" * 200_000 + b"]]></Encrypt></xml>"

    answer = await account.http.post(URL, params=signed(clock, encrypt="A"), content=body)

    assert answer.status_code == 413
    assert_harmless(answer, account)


async def test_an_oversized_body_without_a_length_is_cut_off(account: Account, clock: ManualClock) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(100):
            yield b"A" * 4096

    answer = await account.http.post(URL, params=signed(clock, encrypt="A"), content=chunks())

    assert answer.status_code == 413
    assert_harmless(answer, account)


async def test_random_bytes_never_break_the_callback(account: Account, clock: ManualClock) -> None:
    rng = random.Random(20261206)
    statuses = set()

    for _ in range(150):
        body = rng.randbytes(rng.randrange(0, 600))
        encrypt = rng.choice(["QUJD", body.hex()[:64], ""])
        params = rng.choice([signed(clock, encrypt=encrypt), signed(clock), {}, {"timestamp": "x"}])
        answer = await account.http.post(URL, params=params, content=body)
        statuses.add(answer.status_code)
        assert_harmless(answer, account)

    assert statuses <= {200, 403}
