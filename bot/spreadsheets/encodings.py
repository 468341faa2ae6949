"""Which encoding a CSV file is in: UTF-8, else GB18030 or Big5 as charset-normalizer judges, else refused.

Excel in a mainland office saves CSV as GB18030 (GBK), in Taiwan or Hong Kong as Big5, and
almost any byte string decodes as GB18030: decoding Big5 that way gives plausible-looking but
wrong names. charset-normalizer weighs how natural each decoding reads; limited to these two
candidates it tells them apart even for a file of two rows, where left to choose among all
encodings it often picks a Korean one.
"""

from __future__ import annotations

from charset_normalizer import CharsetMatch, CharsetMatches, from_bytes

from bot.spreadsheets.errors import SpreadsheetError
from handlers.texts import _

CANDIDATES = ["gb18030", "big5"]


def decode_text(name: str, data: bytes) -> str:
    """Return the file's text.

    Raises:
        SpreadsheetError: the bytes are no clean UTF-8, GB18030 or Big5; it names the first bad row.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    results = from_bytes(data, cp_isolation=CANDIDATES)
    best = _mainland_on_a_tie(results) or results.best()
    if best is None:
        raise SpreadsheetError(_("{name}: row {row} is not UTF-8, GB18030 or Big5 text. Save the file from "
                                 "Excel as “CSV UTF-8” and try again.", name=name, row=_first_bad_row(data)))
    return str(best)


def _mainland_on_a_tie(results: CharsetMatches) -> CharsetMatch | None:
    """Prefer GB18030 when a short file reads as naturally both ways and, read so, holds only common hanzi.

    On a file of one or two names charset-normalizer finds no difference and picks Big5; Big5 read
    as GB18030 almost always yields rare GBK characters, which GB2312 (the common set) lacks.
    """
    found = {match.encoding: match for match in results}
    mainland, big5 = found.get("gb18030"), found.get("big5")
    if mainland is None or big5 is None or mainland.chaos > big5.chaos:
        return None
    try:
        str(mainland).encode("gb2312")
    except UnicodeEncodeError:
        return None
    return mainland


def _first_bad_row(data: bytes) -> int:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError as error:
        return data[: error.start].count(b"\n") + 1
    return 1
