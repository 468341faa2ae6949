"""The push side of the fake: WeChat calling our callback, signed, in plaintext or safe mode, with retries."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import httpx
import xmltodict

from bot.wechat.crypto import MessageCrypto
from bot.wechat.signatures import signature
from village.clock import Clock

RETRY_TIMEOUT_SECONDS = 5.0  # WeChat waits this long for an answer ...
RETRIES = 3  # ... then sends the same push again, this many times


@dataclass(frozen=True)
class PushAccount:
    """The callback settings WeChat holds for an account: URL, token and, in safe mode, the AES key."""

    url: str
    token: str
    app_id: str
    encoding_aes_key: str = ""


class Pusher:
    """Calls a callback URL the way WeChat's servers do."""

    def __init__(self, http: httpx.AsyncClient, account: PushAccount, clock: Clock, *,
                 patience_seconds: float = RETRY_TIMEOUT_SECONDS) -> None:
        self._http, self._account, self._clock = http, account, clock
        self._patience = patience_seconds  # how long WeChat waits for an answer before retrying
        key = account.encoding_aes_key
        self._crypto = MessageCrypto(account.token, key, account.app_id) if key else None
        self._nonces = itertools.count(1_000_001)

    async def handshake(self, echostr: str = "fake-echo-1234") -> httpx.Response:
        """Send the signed GET that proves ownership of the URL."""
        params = self.signed()
        return await self._http.get(self._account.url, params={**params, "echostr": echostr})

    async def push(self, xml: str, *, encrypted: bool | None = None,
                   params: dict[str, str] | None = None) -> httpx.Response:
        """POST one push; encrypted when the account is in safe mode unless told otherwise."""
        query = params if params is not None else self.signed()
        body = xml
        if encrypted if encrypted is not None else self._crypto is not None:
            assert self._crypto is not None, "no EncodingAESKey to encrypt with"
            envelope = self._crypto.encrypt(xml, nonce=query["nonce"], timestamp=query["timestamp"])
            body = _without_signature(envelope, self._account.app_id)
            query = {**query, "encrypt_type": "aes",
                     "msg_signature": signature(self._account.token, query["timestamp"], query["nonce"],
                                                _encrypt_of(envelope))}
        return await self._http.post(self._account.url, params=query, content=body.encode(), timeout=self._patience,
                                     headers={"Content-Type": "text/xml"})

    async def push_with_retries(self, xml: str) -> list[httpx.Response | None]:
        """Push like WeChat: on no answer in time (None), send the same push again, up to 3 more times."""
        attempts: list[httpx.Response | None] = []
        params = self.signed()
        for _ in range(1 + RETRIES):
            try:
                attempts.append(await self.push(xml, params=params))
                return attempts
            except httpx.TimeoutException:
                attempts.append(None)
        return attempts

    def decrypt_reply(self, body: str) -> str:
        """Return the XML of an encrypted passive reply, as WeChat reads it."""
        assert self._crypto is not None
        fields = _fields(body)
        return self._crypto.decrypt(body, msg_signature=fields["MsgSignature"], timestamp=fields["TimeStamp"],
                                    nonce=fields["Nonce"])

    def signed(self) -> dict[str, str]:
        timestamp, nonce = str(int(self._clock.now().timestamp())), str(next(self._nonces))
        return {"signature": signature(self._account.token, timestamp, nonce), "timestamp": timestamp,
                "nonce": nonce, "openid": "fake"}


def _fields(envelope: str) -> dict[str, str]:
    return dict(xmltodict.parse(envelope)["xml"])


def _encrypt_of(envelope: str) -> str:
    return _fields(envelope)["Encrypt"]


def _without_signature(envelope: str, app_id: str) -> str:
    """Return the body WeChat posts: the account and the ciphertext (the signature travels in the URL)."""
    return f"<xml><ToUserName><![CDATA[{app_id}]]></ToUserName><Encrypt><![CDATA[{_encrypt_of(envelope)}]]>" \
           "</Encrypt></xml>"
