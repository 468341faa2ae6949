"""Safe mode: AES-CBC with the EncodingAESKey (wechatpy's cipher), signed with `msg_signature`.

wechatpy compares signatures with `!=` and raises raw exceptions on garbage; here signatures are
checked in constant time and every failure becomes one `RefusedPush`.
"""

from __future__ import annotations

import base64
import binascii
import struct
from collections.abc import Callable
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import InvalidAppIdException

from bot.wechat.signatures import signature, signature_matches

# What wechatpy and xmltodict raise on malformed envelopes, ciphertext or padding.
GARBAGE_ERRORS = (ExpatError, KeyError, TypeError, ValueError, AttributeError, IndexError, binascii.Error,
                  struct.error, UnicodeError, InvalidAppIdException)

_ENVELOPE = """<xml>
<Encrypt><![CDATA[{encrypt}]]></Encrypt>
<MsgSignature><![CDATA[{signature}]]></MsgSignature>
<TimeStamp>{timestamp}</TimeStamp>
<Nonce><![CDATA[{nonce}]]></Nonce>
</xml>"""


class RefusedPush(Exception):
    """A push that is forged, garbled or not for this account: answer without acting on it."""


class MessageCrypto:
    """Decrypts pushes and encrypts passive replies for one account."""

    def __init__(self, token: str, encoding_aes_key: str, app_id: str, *,
                 random_prefix: Callable[[], str] | None = None) -> None:
        self._token, self._app_id = token, app_id
        self._key = base64.b64decode(encoding_aes_key + "=")
        self._random_prefix = random_prefix  # a fixed prefix makes encryption reproducible in tests

    def decrypt(self, body: str, *, msg_signature: str, timestamp: str, nonce: str) -> str:
        """Return the inner XML of an encrypted push after checking its `msg_signature`."""
        encrypted = _encrypted_part(body)
        if not signature_matches(msg_signature, self._token, timestamp, nonce, encrypted):
            raise RefusedPush("bad msg_signature")
        try:
            return str(self._cipher().decrypt(encrypted, self._app_id))
        except GARBAGE_ERRORS as error:
            raise RefusedPush(f"cannot decrypt: {type(error).__name__}") from None

    def encrypt(self, xml: str, *, nonce: str, timestamp: str) -> str:
        """Return the signed envelope carrying `xml` encrypted."""
        encrypted = self._cipher().encrypt(xml, self._app_id).decode()
        return _ENVELOPE.format(encrypt=encrypted, signature=signature(self._token, timestamp, nonce, encrypted),
                                timestamp=timestamp, nonce=nonce)

    def _cipher(self) -> PrpCrypto:
        cipher = PrpCrypto(self._key)
        if self._random_prefix is not None:
            cipher.get_random_string = self._random_prefix
        return cipher


def _encrypted_part(body: str) -> str:
    try:
        envelope = xmltodict.parse(body)["xml"]
        encrypted = envelope["Encrypt"]
    except GARBAGE_ERRORS as error:
        raise RefusedPush(f"not an encrypted envelope: {type(error).__name__}") from None
    if not isinstance(encrypted, str) or not encrypted:
        raise RefusedPush("empty Encrypt element")
    return encrypted
