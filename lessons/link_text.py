"""Bytes in a shared link: compressed, then base64url without padding, and read back with a
bound on how much the text may inflate to (a tampered link cannot make the server inflate a
huge payload). Used for the step page's edited tables and the lab's own points."""

import base64
import binascii
import zlib

from engine.errors import UserInputError

ZLIB = zlib.MAX_WBITS  # the zlib format (header and checksum)
RAW_DEFLATE = -zlib.MAX_WBITS  # bare deflate: 6 bytes shorter, for the smallest links


def encode(data: bytes, wbits: int = ZLIB) -> str:
    """`data` compressed (level 9) as URL-safe text."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, wbits)
    packed = deflater.compress(data) + deflater.flush()
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode(text: str, max_bytes: int, unreadable: str, wbits: int = ZLIB) -> bytes:
    """The bytes `encode` wrote as `text`, at most `max_bytes` of them.

    Raises UserInputError(`unreadable`) for text that is not such an encoding, is cut short,
    or inflates to more than `max_bytes`.
    """
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj(wbits)
        data = inflater.decompress(packed, max_bytes + 1)
    except (ValueError, TypeError, zlib.error, binascii.Error):
        raise UserInputError(unreadable) from None
    if len(data) > max_bytes or inflater.unconsumed_tail or not inflater.eof:
        raise UserInputError(unreadable)
    return data
