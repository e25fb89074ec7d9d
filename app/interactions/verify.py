"""Ed25519 verification of Discord's interaction signatures, done before anything reads the body."""
from functools import lru_cache

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

MAX_SKEW_S = 300


@lru_cache(maxsize=4)
def _verify_key(public_key_hex: str) -> VerifyKey:
    return VerifyKey(bytes.fromhex(public_key_hex))


def is_valid(public_key_hex: str, signature_hex, timestamp, body: bytes, now_s: float) -> bool:
    """True only for a well-formed signature over timestamp + body, made within 5 minutes of now."""
    if not signature_hex or not timestamp or len(signature_hex) != 128:
        return False
    try:
        if abs(now_s - int(timestamp)) > MAX_SKEW_S:
            return False
        signature = bytes.fromhex(signature_hex)
        _verify_key(public_key_hex).verify(timestamp.encode() + body, signature)
    except (ValueError, BadSignatureError):
        return False
    return True
