"""One MP3 from two encoders: the first half and the second half of a session are encoded at
once on two cores, and the second's frames appended to the first's file.

LAME is single-threaded, so one encoder keeps one core busy for most of an export. Two halves
need a seam that no listener and no decoder can find:

- The seam lies in a quiet moment (:func:`seam`). The first encoder gets samples up to
  ``cut``; its last frame carries them, then padding of silence. The second encoder starts
  ``DELAY + padding`` samples later, and its first frames carry that many samples of priming
  (LAME's encoder delay plus the decoder's). Decoded, the two stretches of silence take the
  place of exactly as many samples of the session's own silence, so every sample after the
  seam is where the plan has it.
- Frames of independent encodes join cleanly: the second stream's first frame uses no bit
  reservoir, and either side of the seam the frames code silence, so the overlapping
  filterbank windows add nothing.
- A decoder knows an MP3's exact length from its Xing/LAME header: frame count, the delay to
  drop at the start, the padding to drop at the end. :func:`join` rewrites the first file's
  header for the whole: frames, bytes, seek table (ffmpeg's own algorithm), the second's
  padding, the music CRC (combined from the two parts' own CRCs), the tag CRC. The test
  rebuilds a single ffmpeg encode's header this way and gets ffmpeg's bytes.

The first encoder's padding is predicted (:func:`padding`) and checked against what it
wrote; parts that do not fit are refused (:class:`JoinError`), and the caller encodes the
session in one piece instead.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ENCODER_DELAY = 576  # LAME's, written in the header as the delay
DECODER_DELAY = 529  # the MP3 filterbank's, which readers add to the header's delay
DELAY = ENCODER_DELAY + DECODER_DELAY  # samples of priming before the first sample
MIN_PADDING = 47  # LAME adds a whole frame rather than end on less padding than this
# Seek table: 400 bags of frame positions, halved when full (ffmpeg's mp3enc, after LAME).
_BAGS = 400
_TOC = 100
_LAME_CRC_SPAN = 190  # bytes of the header frame the tag CRC covers (as ffmpeg counts them)

# Layer III bitrates (kbit/s) by MPEG-1 / MPEG-2 and 2.5, and sample rates by version.
_BITRATES = (
    (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
)
_WORD = struct.Struct(">I")
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class JoinError(ValueError):
    """The parts are not MP3 files as ffmpeg's LAME writes them, or do not fit together."""


@dataclass(frozen=True)
class Frame:
    version: int  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    mono: bool
    size: int  # bytes

    @property
    def samples(self) -> int:
        return 1152 if self.version == 3 else 576

    @property
    def xing_offset(self) -> int:
        """Where a Xing/Info header sits in the frame: after the side information."""
        if self.version == 3:
            return 4 + (17 if self.mono else 32)
        return 4 + (9 if self.mono else 17)


def frame_samples(rate: int) -> int:
    """Samples in each Layer III frame at ``rate``: 1,152 at MPEG-1's rates, 576 below."""
    return 1152 if rate in _RATES[3] else 576


def frame(data: bytes | memoryview, at: int) -> Frame:
    """The Layer III frame whose header is at ``at``."""
    if at + 4 > len(data):
        raise JoinError(f"a frame header is cut off at byte {at}")
    (word,) = struct.unpack_from(">I", data, at)
    version, layer = (word >> 19) & 3, (word >> 17) & 3
    bitrate_index, rate_index = (word >> 12) & 15, (word >> 10) & 3
    if word >> 21 != 0x7FF or version == 1 or layer != 1 or bitrate_index in (0, 15):
        raise JoinError(f"no MPEG Layer III frame at byte {at}")
    if rate_index == 3:
        raise JoinError(f"a frame at byte {at} has no valid sample rate")
    bitrate = _BITRATES[version != 3][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    size = (144 if version == 3 else 72) * bitrate // rate + ((word >> 9) & 1)
    return Frame(version, (word >> 6) & 3 == 3, size)


def sizes(data: bytes | memoryview, at: int) -> Iterator[int]:
    """The size of every frame from ``at`` to the end of ``data``."""
    # A session's frames have a handful of distinct headers: each is parsed once.
    known: dict[int, int] = {}
    end = len(data)
    while at < end:
        word = _WORD.unpack_from(data, at)[0] >> 9 if at + 4 <= end else -1
        size = known.get(word)
        if size is None:
            size = known[word] = frame(data, at).size
        if at + size > end:
            raise JoinError(f"the last frame, at byte {at}, is cut off")
        yield size
        at += size


@dataclass(frozen=True)
class Header:
    """An MP3's Xing/LAME header frame, as ffmpeg writes it."""

    offset: int  # in the file: after the ID3v2 tag
    frame: Frame
    frames: int  # audio frames after this one
    delay: int  # the encoder's delay, as written
    padding: int  # samples after the last one, with the decoder's delay, as written
    music_crc: int
    kind: bytes  # b"Info" for a constant bitrate, b"Xing" for a variable one

    @property
    def encoding(self) -> tuple[object, ...]:
        """What two parts must share to be joined."""
        return (self.frame.version, self.frame.mono, self.kind, self.delay)

    @property
    def audio(self) -> int:
        """Where the audio frames start."""
        return self.offset + self.frame.size

    @property
    def samples(self) -> int:
        """What a gapless decoder gives: every frame's samples, less delay and padding."""
        return self.frames * self.frame.samples - self.delay - self.padding


def header(data: bytes | memoryview) -> Header:
    """The Xing/LAME header of an MP3 file's bytes."""
    offset = 0
    if bytes(data[:3]) == b"ID3" and len(data) >= 10:
        offset = 10 + _syncsafe(bytes(data[6:10])) + (10 if data[5] & 0x10 else 0)
    first = frame(data, offset)
    if offset + first.size > len(data):
        raise JoinError("the file ends inside its first frame")
    xing = offset + first.xing_offset
    if bytes(data[xing : xing + 4]) not in (b"Xing", b"Info") or xing + 156 > offset + first.size:
        raise JoinError("the file has no Xing header")
    (flags, frames) = struct.unpack_from(">II", data, xing + 4)
    if flags & 0x0F != 0x0F:
        raise JoinError("the Xing header lacks frames, bytes, seek table or quality")
    lame = xing + 120
    (delay_padding,) = struct.unpack_from(">I", b"\0" + bytes(data[lame + 21 : lame + 24]))
    (music_crc,) = struct.unpack_from(">H", data, lame + 32)
    kind = bytes(data[xing : xing + 4])
    return Header(
        offset, first, frames, delay_padding >> 12, delay_padding & 0xFFF, music_crc, kind
    )


def padding(samples: int, frame_samples: int = 576) -> int:
    """The samples of silence LAME adds after ``samples`` to fill its last frame: exact when
    that is at least ``MIN_PADDING``, as :func:`seam` makes it. (Below, LAME adds a frame,
    and ffmpeg's header then counts up to 46 samples too many.)"""
    return -(samples + DELAY) % frame_samples


def seam(quiet: tuple[int, int], frame_samples: int = 576) -> tuple[int, int] | None:
    """Where the first part ends and the second begins, in a quiet stretch (in samples), or
    None if it is too short. The first part's padding is aimed at half a frame, well clear of
    the point where LAME adds a frame. Two frames of quiet are kept after the sound before
    (its coding noise rings on through the overlapping windows), one before the next."""
    start, end = quiet
    aim = frame_samples // 2
    cut = start + 2 * frame_samples
    cut += (-(cut + DELAY + aim)) % frame_samples  # so that padding(cut) == aim
    resume = cut + aim + DELAY
    return (cut, resume) if resume + frame_samples <= end else None


def join(first: Path, second: Path, at: tuple[int, int], samples: int) -> Header:
    """Append the second file's audio to the first and rewrite its header for the whole;
    return the new header. ``at`` is the seam (see :func:`seam`), counted from the first
    part's start: it holds the samples before ``at[0]``, the second those from ``at[1]``;
    the whole is to play ``samples``."""
    cut, resume = at
    with second.open("rb") as handle:
        tail = handle.read()
    late = header(tail)
    with first.open("r+b") as handle:
        data = handle.read()
        early = header(data)
        spf = early.frame.samples
        if early.encoding != late.encoding:
            raise JoinError("the two parts were encoded differently")
        fill = padding(cut, spf)
        if fill < MIN_PADDING or resume != cut + fill + DELAY:
            raise JoinError(f"no seam can be made from sample {cut} to {resume}")
        ends = (early.frames * spf, early.delay, early.padding)
        if ends != (cut + DELAY + fill, ENCODER_DELAY, fill + DECODER_DELAY):
            raise JoinError(f"the first part does not end where the seam is ({early})")
        frame_sizes = [early.frame.size, *sizes(data, early.audio), *sizes(tail, late.audio)]
        frames = len(frame_sizes) - 1
        if frames != early.frames + late.frames:
            raise JoinError("the parts hold other frames than their headers count")
        # The padding for exactly ``samples``, not the second part's own: ffmpeg's header can
        # count up to 46 samples too many (see padding()); the seam's arithmetic cannot.
        pad = frames * spf - early.delay - samples
        if not DECODER_DELAY + MIN_PADDING <= pad < DECODER_DELAY + MIN_PADDING + spf:
            raise JoinError(f"{frames} frames cannot play {samples} samples")
        music_crc = crc16_combine(early.music_crc, late.music_crc, len(tail) - late.audio)
        new = rebuild(data[early.offset : early.audio], frame_sizes, early.delay, pad)
        new = _with_music_crc(new, early.frame, music_crc)
        handle.seek(0, 2)
        handle.write(memoryview(tail)[late.audio :])
        handle.seek(early.offset)
        handle.write(new)
    return Header(early.offset, early.frame, frames, early.delay, pad, music_crc, early.kind)


def rebuild(old: bytes, frame_sizes: list[int], delay: int, pad: int) -> bytes:
    """A header frame like ``old`` for audio frames of ``frame_sizes`` (the header frame's own
    size first): counts, seek table, delay and padding, length and tag CRC. The music CRC is
    kept; :func:`join` sets it."""
    mp3 = frame(old, 0)
    xing, lame = mp3.xing_offset, mp3.xing_offset + 120
    total = sum(frame_sizes)
    out = bytearray(old)
    struct.pack_into(">II", out, xing + 8, len(frame_sizes) - 1, total)
    out[xing + 16 : xing + 16 + _TOC] = _seek_table(frame_sizes, total)
    out[lame + 21 : lame + 24] = struct.pack(">I", (delay << 12) | pad)[1:]
    struct.pack_into(">I", out, lame + 28, total)
    return _with_tag_crc(out, mp3)


def _with_music_crc(old: bytes, mp3: Frame, music_crc: int) -> bytes:
    out = bytearray(old)
    struct.pack_into(">H", out, mp3.xing_offset + 120 + 32, music_crc)
    return _with_tag_crc(out, mp3)


def _with_tag_crc(out: bytearray, mp3: Frame) -> bytes:
    # As ffmpeg computes it: over 190 bytes with the field itself zero, a frame shorter than
    # that read as if followed by zeros.
    at = mp3.xing_offset + 120 + 34
    out[at : at + 2] = b"\0\0"
    span = bytes(out[:_LAME_CRC_SPAN]).ljust(_LAME_CRC_SPAN, b"\0")
    struct.pack_into(">H", out, at, crc16(span))
    return bytes(out)


def _seek_table(frame_sizes: list[int], total: int) -> bytes:
    """Byte positions (of 256) at each hundredth of the frames, by ffmpeg's bag algorithm."""
    bags: list[int] = []
    want, seen, size = 1, 0, frame_sizes[0]
    for length in frame_sizes[1:]:
        size += length
        seen += 1
        if seen == want:
            bags.append(size)
            seen = 0
            if len(bags) == _BAGS:
                bags = bags[1::2]
                want *= 2
    table = [0] + [min(256 * bags[i * len(bags) // _TOC] // total, 255) for i in range(1, _TOC)]
    return bytes(table)


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        value = byte
        for _ in range(8):
            value = (value >> 1) ^ 0xA001 if value & 1 else value >> 1
        table.append(value)
    return tuple(table)


_CRC = _crc_table()


def crc16(data: bytes, value: int = 0) -> int:
    """CRC-16/ARC (LAME's, ffmpeg's AV_CRC_16_ANSI_LE): for headers, not for megabytes."""
    for byte in data:
        value = (value >> 8) ^ _CRC[(value ^ byte) & 0xFF]
    return value


def crc16_combine(first: int, second: int, second_length: int) -> int:
    """The CRC of two byte strings joined, from each one's CRC and the second's length.

    The CRC is linear with a zero start: that of A+B is that of A followed by len(B) zero
    bytes, plus that of B. Feeding zero bytes is a linear map on the 16 bits, applied by
    squaring (as zlib's crc32_combine does), so the megabytes need not be read again."""

    def apply(matrix: list[int], vector: int) -> int:
        out, bit = 0, 0
        while vector:
            if vector & 1:
                out ^= matrix[bit]
            vector >>= 1
            bit += 1
        return out

    zero_byte = [(1 << bit >> 8) ^ _CRC[(1 << bit) & 0xFF] for bit in range(16)]
    while second_length:
        if second_length & 1:
            first = apply(zero_byte, first)
        zero_byte = [apply(zero_byte, column) for column in zero_byte]
        second_length >>= 1
    return first ^ second


def _syncsafe(raw: bytes) -> int:
    return (raw[0] << 21) | (raw[1] << 14) | (raw[2] << 7) | raw[3]
