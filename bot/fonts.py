"""Finding a font that can draw Chinese, for images (invite cards, boards, charts)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

# Debian's fonts-wqy-microhei first; then other common CJK fonts.
KNOWN_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


def find_cjk_font(configured: str = "") -> Path | None:
    """Return a font file that covers Chinese: the configured one, a known one, or fontconfig's pick."""
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
    return _discover()


@cache
def _discover() -> Path | None:
    for candidate in KNOWN_CJK_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False, timeout=10)
    files = [line.split(":")[0].strip() for line in listing.stdout.splitlines() if line.strip()]
    return Path(files[0]) if files else None
