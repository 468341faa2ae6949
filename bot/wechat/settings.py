"""The `[wechat]` configuration section: the account, the callback server, and template ids."""

from __future__ import annotations

import base64
import binascii

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from village.outbox import MessageKind

AES_KEY_LENGTH = 43  # WeChat's EncodingAESKey: 43 base64 characters, 32 bytes once '=' is appended


class TemplateFields(BaseModel):
    """Which keywords of a template carry the message's start and when it was sent: each template the account
    takes from WeChat's library names its own (`thing3`, `time5` ...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(default="thing1", pattern=r"^thing\d{1,2}$")  # a `thing` keyword: up to 20 characters
    time: str = Field(default="time2", pattern=r"^(time|date)\d{1,2}$")


DEFAULT_FIELDS = TemplateFields()


class WechatSettings(BaseModel):
    """A verified Service Account in developer mode; an empty app id turns WeChat off."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    app_id: str = ""
    app_secret: SecretStr = SecretStr("")
    token: SecretStr = SecretStr("")
    encoding_aes_key: SecretStr = SecretStr("")
    base_url: str = "https://api.weixin.qq.com"
    listen: str = "0.0.0.0"
    port: int = Field(default=8081, ge=0, le=65535)  # 0 picks a free port (tests, the demo)
    path: str = "wechat"
    public_base_url: str = ""
    # Per message kind (a `MessageKind` value such as "report.status_changed"): the template message id
    # (模板消息), and the subscription-notification template id (订阅通知) a resident may have accepted.
    # Both get two fields: the start of the message (20 characters) and when it was sent, under the keywords
    # `fields` names per template id (default `thing1` and `time2`).
    templates: dict[str, str] = Field(default_factory=dict)
    subscriptions: dict[str, str] = Field(default_factory=dict)
    fields: dict[str, TemplateFields] = Field(default_factory=dict)
    long_term_templates: tuple[str, ...] = ()  # 长期订阅 templates: an acceptance is not used up by a send
    # The pages residents open (bot/wechat/pages): the 订阅通知 templates the settings page offers, the key
    # that signs page links (empty: derived from the app secret), and how long a link works.
    subscribe_templates: tuple[str, ...] = ()
    pages_key: SecretStr = SecretStr("")
    page_link_days: int = Field(default=14, ge=1, le=365)

    @property
    def enabled(self) -> bool:
        """Return whether WeChat is configured at all."""
        return bool(self.app_id)

    @property
    def safe_mode(self) -> bool:
        """Return whether pushes are AES-encrypted (always, except on the sandbox test account)."""
        return bool(self.encoding_aes_key.get_secret_value())

    def secrets(self) -> tuple[str, ...]:
        """Return the values the log filter must mask."""
        return tuple(s.get_secret_value() for s in (self.app_secret, self.token, self.encoding_aes_key,
                                                    self.pages_key))

    @field_validator("encoding_aes_key")
    @classmethod
    def _check_aes_key(cls, value: SecretStr) -> SecretStr:
        key = value.get_secret_value()
        if key and (len(key) != AES_KEY_LENGTH or not _decodes_to_32_bytes(key)):
            raise ValueError(f"must be the {AES_KEY_LENGTH}-character EncodingAESKey from the account's settings")
        return value

    @field_validator("templates", "subscriptions")
    @classmethod
    def _check_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        known = {kind.value for kind in MessageKind}
        if unknown := sorted(set(value) - known):
            raise ValueError(f"unknown message kind {unknown[0]!r}; use one of: {', '.join(sorted(known))}")
        return value

    def fields_of(self, template: str) -> TemplateFields:
        """Return the keywords of a template id's two fields."""
        return self.fields.get(template, DEFAULT_FIELDS)

    @model_validator(mode="after")
    def _fields_of_known_templates(self) -> WechatSettings:
        known = {*self.templates.values(), *self.subscriptions.values()}
        if unknown := sorted(set(self.fields) - known):
            raise ValueError(f"wechat.fields names {unknown[0]!r}, which is no template id of wechat.templates "
                             "or wechat.subscriptions")
        return self

    @model_validator(mode="after")
    def _complete_when_enabled(self) -> WechatSettings:
        if self.enabled and not (self.app_secret.get_secret_value() and self.token.get_secret_value()):
            raise ValueError("wechat.app_secret and wechat.token are required once wechat.app_id is set")
        return self


def _decodes_to_32_bytes(key: str) -> bool:
    try:
        return len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False
