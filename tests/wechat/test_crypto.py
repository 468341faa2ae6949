"""Safe-mode crypto against the known-answer vectors of wechatpy's own test suite (tests/test_crypto.py)."""

from __future__ import annotations

import pytest

from bot.wechat.crypto import MessageCrypto, RefusedPush
from bot.wechat.signatures import signature, signature_matches, timestamp_fresh

# wechatpy's vectors: token, EncodingAESKey and the id the ciphertext ends with.
TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APP_ID = "wx49f0ab532d5d035a"

ECHO_SIGNATURE = "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
ECHO_TIMESTAMP, ECHO_NONCE = "1411443780", "437374425"
ECHO_STR = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="

ENCRYPTED = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGym"
    "zxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hI"
    "iOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYE"
    "vccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
PUSH = f"""<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[{ENCRYPTED}]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""
PUSH_SIGNATURE, PUSH_TIMESTAMP, PUSH_NONCE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903", "461056294"

REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
REPLY_ENCRYPTED = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtOb"
    "vesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8"
    "NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5"
    "oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
)
REPLY_SIGNATURE = "407518b7649e86ef23978113f92d27afa9296533"


def crypto(*, app_id: str = APP_ID) -> MessageCrypto:
    return MessageCrypto(TOKEN, AES_KEY, app_id, random_prefix=lambda: "1234567890123456")


def test_the_echo_signature_vector_matches() -> None:
    assert signature_matches(ECHO_SIGNATURE, TOKEN, ECHO_TIMESTAMP, ECHO_NONCE, ECHO_STR)


def test_a_changed_nonce_breaks_the_echo_signature() -> None:
    assert not signature_matches(ECHO_SIGNATURE, TOKEN, ECHO_TIMESTAMP, "437374424", ECHO_STR)


def test_a_push_vector_decrypts_to_its_message() -> None:
    xml = crypto().decrypt(PUSH, msg_signature=PUSH_SIGNATURE, timestamp=PUSH_TIMESTAMP, nonce=PUSH_NONCE)

    assert "<Content><![CDATA[test]]></Content>" in xml
    assert "<FromUserName><![CDATA[messense]]></FromUserName>" in xml


def test_a_reply_vector_encrypts_to_the_known_ciphertext_and_signature() -> None:
    envelope = crypto().encrypt(REPLY, nonce="461056294", timestamp="1411525903")

    assert f"<Encrypt><![CDATA[{REPLY_ENCRYPTED}]]></Encrypt>" in envelope
    assert f"<MsgSignature><![CDATA[{REPLY_SIGNATURE}]]></MsgSignature>" in envelope


def test_a_push_with_a_wrong_msg_signature_is_refused() -> None:
    with pytest.raises(RefusedPush, match="msg_signature"):
        crypto().decrypt(PUSH, msg_signature="0" * 40, timestamp=PUSH_TIMESTAMP, nonce=PUSH_NONCE)


def test_a_push_for_another_account_is_refused() -> None:
    with pytest.raises(RefusedPush, match="cannot decrypt"):
        crypto(app_id="wx_someone_else").decrypt(PUSH, msg_signature=PUSH_SIGNATURE, timestamp=PUSH_TIMESTAMP,
                                                 nonce=PUSH_NONCE)


@pytest.mark.parametrize("encrypted", ["not base64 at all!", "QUJD", "A" * 64])
def test_signed_garbage_ciphertext_is_refused_not_raised(encrypted: str) -> None:
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"

    with pytest.raises(RefusedPush):
        crypto().decrypt(body, msg_signature=signature(TOKEN, "1", "2", encrypted), timestamp="1", nonce="2")


def test_a_timestamp_more_than_300_seconds_off_is_stale() -> None:
    assert [timestamp_fresh(str(1_000_000 + d), 1_000_000) for d in (-301, -300, 300, 301)] == [
        False, True, True, False]


@pytest.mark.parametrize("timestamp", ["", "abc", "-5", "١٢٣", "9" * 40])
def test_a_malformed_timestamp_is_not_fresh(timestamp: str) -> None:
    assert not timestamp_fresh(timestamp, 1_000_000)
