"""What a person may do to the bot, as plain data, and the hypothesis strategies that draw it.

An action names a shown button by position (`Press(3)`), not by its data, so that a list of
actions is a self-contained example: hypothesis can shrink it and a found one can be pasted
into a regular test.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from handlers import registry
from handlers.events import EventKind


@dataclass(frozen=True)
class Type:
    """Type text."""

    text: str


@dataclass(frozen=True)
class TypeLabel:
    """Type a label: of the reply keyboard shown, a menu button, a section or navigation (index wraps)."""

    index: int


@dataclass(frozen=True)
class Start:
    """Start one of all flows, by its menu label or its command, whether the persona may or not (index wraps)."""

    index: int
    by_command: bool = False


@dataclass(frozen=True)
class Press:
    """Press an inline button of the latest replies (index wraps); a stale one when none is shown."""

    index: int


@dataclass(frozen=True)
class PressStale:
    """Press a button shown at any earlier point (index wraps)."""

    index: int


@dataclass(frozen=True)
class PressForged:
    """Send button data a client made up: raw, or a shown button's with its arguments replaced."""

    data: str
    based_on: int | None = None


@dataclass(frozen=True)
class Command:
    """Send /command with an argument."""

    name: str
    argument: str = ""


@dataclass(frozen=True)
class ShareContact:
    """Share a phone contact: one's own or a forwarded one."""

    phone: str
    own: bool


@dataclass(frozen=True)
class SendLocation:
    """Share a point, in range or not."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class SendMedia:
    """Send a photo, voice message or document, with a caption."""

    kind: EventKind
    size: int | None = 1000
    caption: str = ""
    mime_type: str | None = None


@dataclass(frozen=True)
class SendOther:
    """Send a sticker, a video or a poll: something the bot does not read."""


@dataclass(frozen=True)
class Replay:
    """The channel delivers the last update again."""


@dataclass(frozen=True)
class Restart:
    """The bot restarts: a new engine over the same database."""


@dataclass(frozen=True)
class Wait:
    """Time passes."""

    hours: float


Action = (Type | TypeLabel | Start | Press | PressStale | PressForged | Command | ShareContact | SendLocation
          | SendMedia | SendOther | Replay | Restart | Wait)

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
RTL = "\u202e\u202b\u200fمرحبا שלום"
EMOJI = "😀👍🏽🇨🇳👨‍👩‍👧🫠"
CONTROL = "".join(chr(c) for c in range(32)) + "\x7f\x85"
ODD = ZERO_WIDTH + RTL + EMOJI + CONTROL + " 中文abc123"

texts = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.sampled_from(ODD), max_size=20),
    st.sampled_from(["", " ", "\n", "😀", "🇨🇳🇨🇳", ZERO_WIDTH, "\u202e取消", "返回", "取消", "菜单", "back", "1",
                     "-1", "9223372036854775808", "/start", "张阿婆", "0001"]),
    # huge: past Telegram's 4,096 characters, which a channel might still hand over
    st.builds(lambda piece, times: piece * times, st.sampled_from(["好", "a", "😀", "\u200b", "\n"]),
              st.integers(1_000, 12_000)),
)

ints = st.one_of(st.integers(-3, 40), st.integers(2**31 - 2, 2**31 + 2), st.integers(2**63 - 2, 2**64 + 2),
                 st.integers(-(2**64), 2**80))
arguments = st.one_of(ints.map(str), st.sampled_from(["", "x", "1.5", "-0", "٣", "1e3", " 1", "0x10"]),
                      st.text(max_size=6))


def _flow_names() -> list[str]:
    return sorted({f.name for f in registry.flows()} | {"nav", "zz"})


def _action_names() -> list[str]:
    return sorted({a for f in registry.flows() for a in f.actions} | {"back", "cancel", "menu", "page", "ok", "x"})


forged_data = st.one_of(
    st.text(max_size=70),
    st.builds(lambda flow, action, args: ":".join([flow, action, *args]), st.sampled_from(_flow_names()),
              st.sampled_from(_action_names()), st.lists(arguments, max_size=3)),
)
# arguments put in place of a shown button's: `rpt:cat` + `:17`
forged_arguments = st.lists(arguments, max_size=3).map(":".join)

commands = st.builds(
    Command,
    st.one_of(st.sampled_from(sorted({c for f in registry.flows() for c in f.commands} | {"start", "cancel", "menu"})),
              st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=12)),
    st.one_of(st.just(""), arguments, texts),
)

ROSTER_PHONES = ["+8613800000001", "13800000002", "+86 138-0000-0009", "13800000011", "+8613900000009",
                 "+8613700000000", "12345", "", "+1 555 0100"]

coordinates = st.one_of(
    st.tuples(st.floats(30.7, 31.0), st.floats(121.3, 121.6)),  # around Fengxian
    st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    st.tuples(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False)),  # out of range
)

actions: st.SearchStrategy[Action] = st.one_of(
    st.builds(Type, texts),
    st.builds(TypeLabel, st.integers(0, 200)),
    st.builds(Start, st.integers(0, 200), st.booleans()),
    st.builds(Press, st.integers(0, 200)),
    st.builds(Press, st.integers(0, 200)),  # realistic presses, twice as likely
    st.builds(PressStale, st.integers(0, 500)),
    st.builds(PressForged, forged_data),
    st.builds(PressForged, forged_arguments, st.integers(0, 500)),
    commands,
    st.builds(ShareContact, st.sampled_from(ROSTER_PHONES), st.booleans()),
    coordinates.map(lambda point: SendLocation(*point)),
    st.builds(SendMedia, st.sampled_from([EventKind.PHOTO, EventKind.VOICE, EventKind.DOCUMENT]),
              st.one_of(st.none(), st.integers(0, 10**6), st.integers(10**8, 10**10)), st.one_of(st.just(""), texts),
              st.sampled_from([None, "image/jpeg", "audio/ogg", "application/pdf", "application/x-msdownload"])),
    st.just(SendOther()),
    st.just(Replay()),
    st.just(Restart()),
    st.builds(Wait, st.sampled_from([0.01, 1.0, 25.0, 24 * 40.0])),
)


def every_start() -> list[Start]:
    """Return one Start for each flow a person can start: by its menu label, else by its command."""
    flows = registry.flows()
    by_label = [Start(i) for i, _ in enumerate(f for f in flows if f.menu)]
    commands = sorted({c for f in flows for c in f.commands})
    by_command = [Start(commands.index(f.commands[0]), by_command=True) for f in flows if not f.menu and f.commands]
    return by_label + by_command
