"""Scripting people on the emulator: what they type and tap, and what the bot showed them.

    alice = FakeUser(1001, "张阿婆", phone="+8613800000001")
    await tg.user_says(alice, "/start")
    await tg.user_taps(alice, "📱 分享我的手机号")
    tg.last_text(alice)

Each action waits until the bot has handled the update and the outbox has sent
everything that was due, so a test reads the results right after.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bot.emulator.api import FakeBotApi, FakeUser, Sent
from bot.emulator.messages import command_entities, message_json, photo_sizes, user_message

Waiter = Callable[[int], Awaitable[None]]
# The menu's sections (handlers/menu.py), as shown in Chinese and in English.
MENU_SECTIONS = ("➕ 更多", "🧰 工作台", "➕ More", "🧰 Work tools")
BACK_TO_MENU = ("🏠 菜单", "🏠 Menu")


class ButtonNotFoundError(AssertionError):
    """The person tried to tap a button that is not on their screen."""


class Driver:
    """Acts as people on the emulator and reads what they were sent."""

    def __init__(self, api: FakeBotApi, wait_handled: Waiter, settle: Callable[[], Awaitable[None]]) -> None:
        self.api = api
        self._wait_handled = wait_handled
        self._settle = settle

    async def user_says(self, user: FakeUser, text: str) -> list[Sent]:
        """Send a text message (or a /command) and return what the bot sent back to that person."""
        return await self._message(user, text=text, entities=command_entities(text))

    async def user_taps(self, user: FakeUser, label: str) -> list[Sent]:
        """Tap a button by its label: the newest inline button, else one on the reply keyboard.

        A menu button kept under ➕ More or 🧰 Work tools is reached as a person would: by tapping
        that section first (and 🏠 Menu to come back when it is not there).
        """
        for sent in reversed(self.api.messages_to(user.id)):
            if label in sent.inline_labels:
                return await self._press(user, sent, label)
        if label in self.api.current_keyboard(user.id):
            return await self._keyboard_press(user, label)
        shown = self.buttons(user)
        for section in [s for s in MENU_SECTIONS if s in self.api.current_keyboard(user.id)]:
            await self.user_says(user, section)
            if label in self.api.current_keyboard(user.id):
                return await self._keyboard_press(user, label)
            back = next(b for b in BACK_TO_MENU if b in self.api.current_keyboard(user.id))
            await self.user_says(user, back)
        raise ButtonNotFoundError(f"{user.first_name} sees no button {label!r}; buttons shown: {shown}")

    async def user_shares_contact(self, user: FakeUser, *, phone: str | None = None,
                                  owner_id: int | None = None) -> list[Sent]:
        """Share a contact: by default one's own; `owner_id` makes it someone else's (forwarded)."""
        contact = {"phone_number": (phone or user.phone).lstrip("+"), "first_name": user.first_name,
                   "user_id": owner_id if owner_id is not None else user.id}
        return await self._message(user, contact=contact)

    async def user_sends_location(self, user: FakeUser, latitude: float, longitude: float) -> list[Sent]:
        """Share a location."""
        return await self._message(user, location={"latitude": latitude, "longitude": longitude})

    async def user_sends_photo(self, user: FakeUser, data: bytes, caption: str = "") -> list[Sent]:
        """Send a photo (its bytes are served back on getFile)."""
        file_id = self.api.store_file(data)
        return await self._message(user, photo=photo_sizes(file_id, len(data)), **({"caption": caption} if caption
                                                                                   else {}))

    async def user_sends_voice(self, user: FakeUser, data: bytes, duration: int = 3) -> list[Sent]:
        """Send a voice message."""
        file_id = self.api.store_file(data)
        voice = {"file_id": file_id, "file_unique_id": file_id, "duration": duration, "mime_type": "audio/ogg",
                 "file_size": len(data)}
        return await self._message(user, voice=voice)

    async def user_sends_document(self, user: FakeUser, data: bytes, file_name: str,
                                  mime_type: str = "application/octet-stream") -> list[Sent]:
        """Send a file."""
        file_id = self.api.store_file(data)
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": file_name, "mime_type": mime_type,
                    "file_size": len(data)}
        return await self._message(user, document=document)

    async def user_sends_sticker(self, user: FakeUser) -> list[Sent]:
        """Send a sticker, which the bot does not understand."""
        sticker = {"file_id": "sticker-1", "file_unique_id": "sticker-1", "type": "regular", "width": 512,
                   "height": 512, "is_animated": False, "is_video": False}
        return await self._message(user, sticker=sticker)

    async def user_presses_data(self, user: FakeUser, data: str, message: Sent | None = None) -> list[Sent]:
        """Press a button with arbitrary data, as a tampered client could."""
        message = message or self.api.messages_to(user.id)[-1]
        return await self._callback(user, message, data)

    def replies_to(self, user: FakeUser) -> list[Sent]:
        """Return everything the bot sent to the person, oldest first."""
        return list(self.api.messages_to(user.id))

    def last_text(self, user: FakeUser) -> str:
        """Return the text of the newest message to the person."""
        messages = self.api.messages_to(user.id)
        return messages[-1].text if messages else ""

    def texts_to(self, user: FakeUser) -> list[str]:
        """Return the texts of all messages to the person."""
        return [m.text for m in self.api.messages_to(user.id)]

    def buttons(self, user: FakeUser) -> list[str]:
        """Return every label the person can tap now: recent inline buttons and the reply keyboard."""
        inline = [label for sent in self.api.messages_to(user.id)[-3:] for label in sent.inline_labels]
        return inline + self.api.current_keyboard(user.id)

    async def settle(self) -> None:
        """Wait until the outbox has sent everything due."""
        await self._settle()

    async def _press(self, user: FakeUser, sent: Sent, label: str) -> list[Sent]:
        rows = (sent.reply_markup or {}).get("inline_keyboard", [])
        data = next(b["callback_data"] for row in rows for b in row if b["text"] == label)
        return await self._callback(user, sent, data)

    async def _callback(self, user: FakeUser, sent: Sent, data: str) -> list[Sent]:
        message = message_json(sent.message_id, user.id, self.api.bot_user, text=sent.text,
                               reply_markup=sent.reply_markup)
        body = {"callback_query": {"id": f"cb-{sent.message_id}-{len(self.api.calls)}", "from": user.as_json(),
                                   "chat_instance": str(user.id), "data": data, "message": message}}
        return await self._deliver(user, body)

    async def _keyboard_press(self, user: FakeUser, label: str) -> list[Sent]:
        for sent in reversed(self.api.messages_to(user.id)):
            for row in (sent.reply_markup or {}).get("keyboard", []):
                for button in row:
                    if button["text"] == label and button.get("request_contact"):
                        return await self.user_shares_contact(user)
                    if button["text"] == label and button.get("request_location"):
                        return await self.user_sends_location(user, 30.92, 121.47)
            if "keyboard" in (sent.reply_markup or {}):
                break
        return await self.user_says(user, label)

    async def _message(self, user: FakeUser, **content: Any) -> list[Sent]:
        if content.get("entities") == []:
            content.pop("entities")
        body = user_message(self.api.new_message_id(), user.as_json(), **content)
        return await self._deliver(user, body)

    async def _deliver(self, user: FakeUser, body: dict[str, Any]) -> list[Sent]:
        before = max((s.seq for s in self.api.messages_to(user.id)), default=0)
        update_id = self.api.push(body)
        await self._wait_handled(update_id)
        await self._settle()
        # Snapshots: a later edit must not change what this action showed.
        return [replace(s, edits=list(s.edits)) for s in self.api.messages_to(user.id) if s.seq > before]
