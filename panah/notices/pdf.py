"""A notice as a PDF: its frozen text in the official language, the person's language alongside (right to
left, shaped by Pango with Debian's Noto Naskh Arabic), and the QR code of its signed payload (segno, SVG).
"""

from __future__ import annotations

from pathlib import Path

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from panah.knowledge.models import HTML_LANG, NATIVE_NAMES
from panah.notices import signing
from panah.notices.models import IssuedNotice

STYLESHEET = Path(__file__).with_name("data") / "notice.css"


def qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=3, border=2)


def notice_html(notice: IssuedNotice, verify_url: str) -> str:
    content = notice.content
    with translation.override(notice.language):
        return render_to_string(
            "notices/notice.html",
            {
                "notice": notice,
                # The bodies were rendered, escaped, from the administrator's templates when issued.
                "body": mark_safe(content.get("body", "")),  # noqa: S308
                "person_body": mark_safe(content.get("person_body", "")),  # noqa: S308
                "person_lang": HTML_LANG.get(notice.person_language, notice.person_language),
                "person_language_name": NATIVE_NAMES.get(notice.person_language, ""),
                "qr": qr_data_uri(signing.qr_text(verify_url, notice.payload, notice.signature)),
                "verify_url": verify_url,
            },
        )


def notice_pdf(notice: IssuedNotice, verify_url: str) -> bytes:
    import weasyprint  # loads Pango and its default stylesheet: only when a notice is drawn

    return weasyprint.HTML(string=notice_html(notice, verify_url)).write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))]
    )
