"""Root certificates as `status` compares them: the SHA-256 fingerprint, the expiry and the subject's
common name of each certificate in a PEM bundle (a ConfigMap's `root-cert.pem`).

The `cryptography` package is not a dependency of smfed-wizard and a fingerprint needs none, so the
few DER fields needed (tbsCertificate -> validity.notAfter, subject CN) are read here by hand; nothing
is verified (a doctor compares what two clusters hold; it does not trust anything).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from ..i18n import _

_PEM = re.compile(r"-----BEGIN CERTIFICATE-----\s*(.*?)\s*-----END CERTIFICATE-----", re.DOTALL)
_COMMON_NAME_OID = bytes.fromhex("550403")   # 2.5.4.3
_UTC_TIME, _GENERALIZED_TIME = 0x17, 0x18


class NotACertificate(ValueError):
    """The text holds no certificate that can be read (the message says why)."""


@dataclass(frozen=True)
class Certificate:
    fingerprint: str            # SHA-256 of the DER, upper-case hex pairs joined by ':'
    not_after: datetime | None  # UTC; None when the field could not be read
    common_name: str

    @property
    def short(self) -> str:
        """The first eight bytes of the fingerprint: enough to tell two roots apart in a message."""
        return self.fingerprint[:23]


def _element(data: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at `at`."""
    if at + 2 > len(data):
        raise NotACertificate(_("truncated DER"))
    tag, length = data[at], data[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or at + count > len(data):
            raise NotACertificate(_("bad DER length"))
        length = int.from_bytes(data[at:at + count], "big")
        at += count
    if at + length > len(data):
        raise NotACertificate(_("truncated DER"))
    return tag, at, at + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out, at = [], start
    while at < end:
        tag, content, stop = _element(data, at)
        out.append((tag, content, stop))
        at = stop
    return out


def _time(tag: int, raw: bytes) -> datetime:
    text = raw.decode("ascii")
    if tag == _UTC_TIME:      # YYMMDDHHMMSSZ; RFC 5280: YY >= 50 means 19YY
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    return datetime.strptime(text.rstrip("Z"), "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


def _common_name(data: bytes, start: int, end: int) -> str:
    for _set_tag, set_start, set_end in _children(data, start, end):
        for _seq_tag, seq_start, seq_end in _children(data, set_start, set_end):
            parts = _children(data, seq_start, seq_end)
            if len(parts) == 2 and data[parts[0][1]:parts[0][2]] == _COMMON_NAME_OID:
                return data[parts[1][1]:parts[1][2]].decode("utf-8", errors="replace")
    return ""


def read_der(der: bytes) -> Certificate:
    fingerprint = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    _tag, start, end = _element(der, 0)
    tbs_tag, tbs_start, tbs_end = _children(der, start, end)[0]
    fields = _children(der, tbs_start, tbs_end)
    if fields and fields[0][0] == 0xA0:       # [0] version: present from v2 on
        fields = fields[1:]
    # serialNumber, signature, issuer, validity, subject
    if tbs_tag != 0x30 or len(fields) < 5:
        raise NotACertificate(_("not an X.509 certificate"))
    validity = _children(der, fields[3][1], fields[3][2])
    not_after = None
    if len(validity) == 2 and validity[1][0] in (_UTC_TIME, _GENERALIZED_TIME):
        try:
            not_after = _time(validity[1][0], der[validity[1][1]:validity[1][2]])
        except (ValueError, UnicodeDecodeError):
            not_after = None
    return Certificate(fingerprint, not_after, _common_name(der, fields[4][1], fields[4][2]))


def read_pem_bundle(text: str) -> tuple[Certificate, ...]:
    """Every certificate in `text`, in order; NotACertificate when there is none or one is damaged."""
    blocks = _PEM.findall(text or "")
    if not blocks:
        raise NotACertificate(_("no PEM certificate (-----BEGIN CERTIFICATE-----)"))
    certs = []
    for block in blocks:
        try:
            der = base64.b64decode("".join(block.split()), validate=True)
        except (binascii.Error, ValueError):
            raise NotACertificate(_("a PEM block is not base64")) from None
        try:
            certs.append(read_der(der))
        except IndexError:
            raise NotACertificate(_("not an X.509 certificate")) from None
    return tuple(certs)
