"""Check the translation catalogues: Arabic complete, and every compiled .mo up to date with its .po.

A stale .mo shows old text to readers; an untranslated Arabic string shows English in an Arabic page.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "src/hiwar/locale"
COMPLETE = ("ar",)  # languages that must have every string translated


def main() -> int:
    if shutil.which("msgfmt") is None:
        print("check_messages: msgfmt not found (apt-get install gettext); skipped")
        return 0
    problems = []
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        language = po.parts[-3]
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "django.mo"
            result = subprocess.run(  # noqa: S603
                ["msgfmt", "--check-format", "--statistics", "-o", str(fresh), str(po)],  # noqa: S607
                capture_output=True,
                text=True,
            )
            if result.returncode:
                problems.append(f"{po}: {result.stderr.strip()}")
                continue
            if language in COMPLETE and ("untranslated" in result.stderr or "fuzzy" in result.stderr):
                problems.append(f"{language}: not complete: {result.stderr.strip()}")
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != fresh.read_bytes():
                problems.append(f"{mo} is missing or stale: run `make messages`")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
