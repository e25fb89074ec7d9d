"""Ed25519 verification of Discord's interaction signatures, done before anything reads the body.

Headers are attacker-controlled text of any length and alphabet (Werkzeug hands over latin-1, even lone
surrogates): they are matched against Discord's exact forms first, so nothing below can raise.
"""
import re
from functools import lru_cache

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

MAX_SKEW_S = 300
SIGNATURE_RE = re.compile(r"[0-9a-fA-F]{128}")  # 64 bytes, hex
TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")  # Unix seconds, ASCII digits only ("１２" and "1_0" are refused)


@lru_cache(maxsize=4)
def _verify_key(public_key_hex: str) -> VerifyKey:
    return VerifyKey(bytes.fromhex(public_key_hex))


def is_valid(public_key_hex: str, signature_hex, timestamp, body: bytes, now_s: float) -> bool:
    """True only for a well-formed signature over timestamp + body, made within 5 minutes of now."""
    if not isinstance(signature_hex, str) or not isinstance(timestamp, str) or not isinstance(body, bytes):
        return False
    if not SIGNATURE_RE.fullmatch(signature_hex) or not TIMESTAMP_RE.fullmatch(timestamp):
        return False
    if abs(now_s - int(timestamp)) > MAX_SKEW_S:
        return False
    try:
        _verify_key(public_key_hex).verify(timestamp.encode("ascii") + body, bytes.fromhex(signature_hex))
    except BadSignatureError:
        return False
    return True
