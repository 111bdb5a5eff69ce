"""Downloads the release archives the build needs."""

import os
import urllib.request

from tenacity import retry, stop_after_attempt


@retry(
    stop=stop_after_attempt(3),
    before=lambda _: os.system("pip install --upgrade certifi"),
)
def download(url: str, target: str) -> None:
    with urllib.request.urlopen(url) as response, open(target, "wb") as out:
        out.write(response.read())
