#!/usr/bin/env python3
"""Writes the channel_fuzz seed corpus from the transcripts (tests/fuzz/channel_fuzz.cpp).

For every tests/transcripts/*.at whose `#! call:` is a transfer (get with any method, put with
any method, ls; of the error_NN ones only ERROR_SEEDS), the seed is the modem's side of the
conversation from the operation's opening command on (AT+FTPGET=1, AT+FTPEXTGET=1, ...): `<`
lines with their CR LF framing, `<<` bytes as they are, `~` pauses as clock advances; host
lines are dropped (the fuzzed stream does not check them). The three header bytes name the operation and, for uploads, the source size taken
from the call's `data:` argument. Each conversation is written as is; one per operation
(WITH_SETTERS) also behind the two setters the target can run first (bit 3; their two OKs
prepended). A few hand-written conversations (HAND) cover what no transcript shows:
restarts, cancels, a vanished port, counts over the limit, a refusing sink, silence through
every deadline.

    tests/fuzz/make_channel_seeds.py [--transcripts DIR] [--out DIR]

Rerun it when transcripts change; the output is deterministic. Inputs the fuzzer finds live
in the same folder (their names start with `finding_` or are libFuzzer hashes); they are kept.
"""
import argparse
import pathlib
import re
import sys

OPS = {"get": 0, "extget": 1, "etget": 2, "put": 3, "extput": 4, "etput": 5, "ls": 6}
OPENING = {
    "get": "AT+FTPGET=1",
    "extget": "AT+FTPEXTGET=1",
    "etget": "AT+FTPETGET=1",
    "put": "AT+FTPPUT=1",
    "extput": "AT+FTPEXTPUT=1",
    "etput": "AT+FTPETPUT=1",
    "ls": "AT+FTPLIST=1",
}
SETTERS_BIT = 0x08
# The error_NN transcripts differ only in the session error code, which the fuzzer varies
# anyway: two of them are seeds.
ERROR_SEEDS = {"error_72_password_error", "error_80_manual_quit"}
# One conversation per operation is also written behind the two setters (the corpus stays small).
WITH_SETTERS = {"an_5_01_get", "an_5_02_put", "an_5_11_list_dir", "an_5_12_extput", "an_5_13_extget",
                "an_5_14_etput", "an_5_15_etget", "error_72_password_error"}
ESC = 0xFF


def unescape(text):
    """The transcript payload escapes: \\r \\n \\t \\\\ \\xHH."""
    out = bytearray()
    i = 0
    raw = text.encode("latin-1")
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):  # backslash
            n = chr(raw[i + 1])
            if n in "rnt\\":
                out.append({"r": 13, "n": 10, "t": 9, "\\": 92}[n])
                i += 2
                continue
            if n == "x" and i + 3 < len(raw) + 1:
                out.append(int(raw[i + 2:i + 4].decode(), 16))
                i += 4
                continue
        out.append(c)
        i += 1
    return bytes(out)


def modem_bytes(payload):
    """Modem bytes with every 0xFF escaped for the target's control syntax."""
    return payload.replace(b"\xff", b"\xff\xff")


def pause_bytes(ms):
    """A `~` pause as FF <seconds> (up to 127 s each) and FF <0x80 + tenths>."""
    out = bytearray()
    seconds, rest = divmod(ms, 1000)
    while seconds > 0:
        step = min(seconds, 0x7F)
        out += bytes([ESC, step])
        seconds -= step
    if rest:
        tenths = -(-rest // 100)  # round up: a deadline inside the pause still fires
        out += bytes([ESC, 0x80 + tenths])
    return bytes(out)


def parse_call(call):
    words = call.split()
    if not words or words[0] not in ("get", "put", "ls"):
        return None, 0
    method = None
    if "--method" in words:
        method = words[words.index("--method") + 1]
    if "--fs-file" in words:
        return None, 0  # AT+FTPEXTGET=2: another operation (ExtGetFileFsm)
    if words[0] == "ls":
        return "ls", 0
    if words[0] == "get":
        return method or "get", 0
    data = next((w for w in words[1:] if w.startswith("data:")), None)
    size = len(unescape(data[len("data:"):])) if data else 0
    return method or "put", size


def seed_for(path):
    lines = path.read_text(encoding="latin-1").splitlines()
    call = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("#! call:")), "")
    op, size = parse_call(call)
    if op is None:
        return None
    opening = OPENING[op]
    started = False
    body = bytearray()
    for line in lines:
        if not line or line.startswith("#"):
            continue
        marker, _, payload = line.partition(" ")
        if marker == ">" and not started:
            started = payload == opening
            continue
        if not started:
            continue
        if marker == "<":
            body += modem_bytes(b"\r\n" + unescape(payload) + b"\r\n")
        elif marker == "<<":
            body += modem_bytes(unescape(payload))
        elif marker == "~":
            m = re.fullmatch(r"(\d+)(ms|s)", payload.strip())
            if not m:
                sys.exit(f"{path}: bad pause {payload!r}")
            ms = int(m.group(1)) * (1 if m.group(2) == "ms" else 1000)
            body += pause_bytes(ms)
    if not started:
        return None
    return OPS[op], size % 5001, bytes(body)


def L(text):
    """One modem line in verbose framing."""
    return b"\r\n" + text.encode("latin-1") + b"\r\n"


ADVANCE_75S = bytes([ESC, 75])
CANCEL = bytes([ESC, 0xFE])
VANISH = bytes([ESC, 0xFD])

# Hand-written conversations for paths the transcripts do not take: (name, byte 0, N, body).
HAND = [
    ("hand_get_restart_mid_payload", OPS["get"], 0,
     L("OK") + L("+FTPGET: 1,1") + L("+FTPGET: 2,10") + b"01234" + L("RDY") + L("+CFUN: 1")),
    ("hand_get_cancel_then_quit", OPS["get"], 0,
     L("OK") + L("+FTPGET: 1,1") + L("+FTPGET: 2,4") + b"abcd" + CANCEL + L("OK") + L("OK")
     + L("+FTPGET: 1,80")),
    ("hand_get_port_vanishes", OPS["get"], 0,
     L("OK") + L("+FTPGET: 1,1") + L("+FTPGET: 2,4") + b"ab" + VANISH + b"cd" + L("OK")),
    ("hand_get_count_over_max", OPS["get"], 0,
     L("OK") + L("+FTPGET: 1,1") + L("+FTPGET: 2,1461") + b"x" * 40 + L("OK") + L("OK")
     + L("+FTPGET: 1,80")),
    ("hand_get_sink_refuses", OPS["get"] | 0x40, 6,
     L("OK") + L("+FTPGET: 1,1") + L("+FTPGET: 2,10") + b"0123456789" + L("OK") + L("OK")
     + L("+FTPGET: 1,80")),
    ("hand_get_expected_truncated", OPS["get"] | 0x20, 20,
     L("OK") + L("+FTPGET: 1,1") + L("+FTPGET: 2,10") + b"0123456789" + L("OK") + L("+FTPGET: 1,0")),
    ("hand_get_small_long_line", OPS["get"] | 0x10, 0,
     L("OK") + L("+FTPGET: 1,1") + L("+FTPGET: 2,100") + b"y" * 100 + L("OK") + L("A" * 100)
     + L("+FTPGET: 1,0")),
    ("hand_get_stale_finals", OPS["get"], 0,
     L("OK") + L("OK") + L("ERROR") + L("+FTPGET: 1,1") + L("+CME ERROR: 3") + L("+FTPGET: 1,0")),
    ("hand_list_deadline", OPS["ls"], 0,
     L("OK") + ADVANCE_75S + L("OK") + L("+FTPLIST: 1,80")),
    ("hand_extget_probe", OPS["extget"], 0,
     L("OK") + ADVANCE_75S + L("+FTPSTATE: 1") + L("OK") + ADVANCE_75S + L("+FTPSTATE: 0") + L("OK")
     + L("+FTPEXTGET: 1,10") + L("OK") + L("+FTPEXTGET: 3,10") + b"0123456789" + L("OK") + L("OK")),
    ("hand_etget_no_etx", OPS["etget"], 0,
     L("OK") + L("+FTPETGET: 1,1") + b"abc\x10\x10def" + ADVANCE_75S + L("+FTPETGET: 1,0")),
    ("hand_put_go_ahead_more", OPS["put"], 10,
     L("OK") + L("+FTPPUT: 1,1,1360") + L("+FTPPUT: 2,20") + L("OK") + L("OK") + L("+FTPPUT: 1,80")),
    ("hand_put_hidden_size", OPS["put"] | 0x80, 1500,
     L("OK") + L("+FTPPUT: 1,1,1360") + L("+FTPPUT: 2,1360") + L("OK") + L("+FTPPUT: 1,1,1360")
     + L("+FTPPUT: 2,140") + L("OK") + L("+FTPPUT: 1,1,1360") + L("OK") + L("+FTPPUT: 1,0")),
    ("hand_extput_two_chunks", OPS["extput"], 5000,
     L("OK") + L("+FTPEXTPUT: 0,4096") + L("OK") + L("+FTPEXTPUT: 4096,904") + L("OK") + L("OK")
     + L("+FTPPUT: 1,0") + L("OK")),
    ("hand_etput_stream", OPS["etput"], 3000,
     L("OK") + L("+FTPETPUT: 1,1") + L("OK") + L("+FTPETPUT: 2,1") + L("OK") + L("+FTPETPUT: 1,0")),
]


def main():
    here = pathlib.Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transcripts", type=pathlib.Path, default=here.parent / "transcripts")
    ap.add_argument("--out", type=pathlib.Path, default=here / "corpus" / "channel")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    written = 0
    for path in sorted(args.transcripts.glob("*.at")):
        if path.stem.startswith("error_") and path.stem not in ERROR_SEEDS:
            continue
        seed = seed_for(path)
        if seed is None:
            continue
        op, size, body = seed
        header = bytes([op, size & 0xFF, size >> 8])
        (args.out / f"tr_{path.stem}").write_bytes(header + body)
        written += 1
        if path.stem in WITH_SETTERS:
            setters = bytes([op | SETTERS_BIT, size & 0xFF, size >> 8]) + b"\r\nOK\r\n\r\nOK\r\n"
            (args.out / f"tr_{path.stem}_setters").write_bytes(setters + body)
            written += 1
    for name, b0, n, body in HAND:
        (args.out / name).write_bytes(bytes([b0, n & 0xFF, n >> 8]) + body)
        written += 1
    print(f"{written} seeds in {args.out}")


if __name__ == "__main__":
    main()
