#!/usr/bin/env bash
# Runs one example program against the emulated SIM7080 (sim7080-emu on a pseudo-terminal)
# and a local FTP server (pyftpdlib on loopback), then checks what it did: SHA-256 of the
# files at both ends (sha256sum), its exit status and its output. Cleans up after itself.
#
#   run_example.sh NAME EXAMPLE_BINARY EMU_BINARY
#
# NAME picks the scenario: callback_get, future_put, coroutine_list, bearer_up,
# resume_download, upload_directory. Exit 0 = pass. Every wait has a deadline.
set -uo pipefail

name=${1:?usage: run_example.sh NAME EXAMPLE_BINARY EMU_BINARY}
example=${2:?example binary}
emu=${3:?sim7080-emu binary}
python=/usr/bin/python3  # Debian's, with python3-pyftpdlib (not a virtualenv's python3)
for f in "$example" "$emu" "$python"; do
  [ -x "$f" ] || { echo "run_example: $f is not executable" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/sim7080-example-$name.XXXXXX")
server_pid="" emu_pid=""
cleanup() {
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL $name: $*" >&2
  for log in out err ftpd.log emu.err; do
    [ -s "$work/$log" ] && { echo "--- $log" >&2; tail -n 40 "$work/$log" >&2; }
  done
  exit 1
}
# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds or time runs out.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
same() { # LABEL EXPECTED_FILE ACTUAL_FILE
  [ -f "$3" ] || fail "$1: $3 does not exist"
  [ "$(sha "$2")" = "$(sha "$3")" ] || fail "$1: SHA-256 differs ($2 vs $3)"
  echo "sha256 ok: $1"
}
mkdir -p "$work/root" "$work/local"

# The FTP server on a free loopback port, user "user", password "secret", writable root.
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$python" -m pyftpdlib -i 127.0.0.1 -p "$port" -w -d "$work/root" -u user -P secret >"$work/ftpd.log" 2>&1 &
server_pid=$!
server_up() {
  kill -0 "$server_pid" 2>/dev/null || fail "pyftpdlib exited"
  "$python" -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null
}
wait_for 15 server_up || fail "the FTP server did not listen on port $port within 15 s"

# The emulated modem; it prints its pseudo-terminal on the first line of stdout.
emu_args=(--bearer-up)
case "$name" in
  bearer_up) emu_args=(--pdp-address 10.20.30.40) ;;                   # the bearer starts down
  resume_download) emu_args+=(--drop-after-bytes 70000) ;;             # the first try dies at 70000 bytes
esac
"$emu" "${emu_args[@]}" >"$work/emu.out" 2>"$work/emu.err" &
emu_pid=$!
emu_up() {
  kill -0 "$emu_pid" 2>/dev/null || fail "sim7080-emu exited"
  [ -s "$work/emu.out" ]
}
wait_for 15 emu_up || fail "sim7080-emu printed no device within 15 s"
device=$(head -n1 "$work/emu.out")
[ -e "$device" ] || fail "sim7080-emu's device '$device' does not exist"

# run_it ARG...: the example with the common options; stdout in out, stderr in err; its status in rc.
run_it() {
  FTP_PASSWORD=secret timeout 120 "$example" --device "$device" --server 127.0.0.1 --port "$port" --user user "$@" \
    >"$work/out" 2>"$work/err"
  rc=$?
  echo "\$ $(basename "$example") $* -> exit $rc"
  sed 's/^/  | /' "$work/out"
}
contains() { grep -qF -- "$1" "$work/out" || fail "output lacks '$1'"; }

case "$name" in
  callback_get)
    mkdir -p "$work/root/pub"
    head -c 300000 /dev/urandom >"$work/root/pub/data.bin"
    run_it /pub/data.bin "$work/local/data.bin"
    [ "$rc" -eq 0 ] || fail "exit status $rc"
    same "downloaded data.bin" "$work/root/pub/data.bin" "$work/local/data.bin"
    [ ! -e "$work/local/data.bin.part" ] || fail "a .part file was left behind"
    run_it /pub/missing.bin "$work/local/missing.bin"  # must fail, and leave nothing
    [ "$rc" -ne 0 ] || fail "a missing remote file gave exit 0"
    [ ! -e "$work/local/missing.bin" ] || fail "a failed download left a file"
    ;;
  future_put)
    mkdir -p "$work/root/incoming"
    head -c 200000 /dev/urandom >"$work/local/up.bin"
    run_it "$work/local/up.bin" /incoming/up.bin
    [ "$rc" -eq 0 ] || fail "exit status $rc"
    same "server copy of up.bin" "$work/local/up.bin" "$work/root/incoming/up.bin"
    ;;
  coroutine_list)
    mkdir -p "$work/root/listing/sub"
    printf 'hello\n' >"$work/root/listing/a.txt"
    head -c 4321 /dev/urandom >"$work/root/listing/b.bin"
    run_it /listing
    [ "$rc" -eq 0 ] || fail "exit status $rc"
    contains "file  6  a.txt"
    contains "file  4321  b.bin"
    contains "sub"
    contains "3 entries in /listing"
    run_it /no-such-directory
    [ "$rc" -ne 0 ] || fail "listing a missing directory gave exit 0"
    ;;
  bearer_up)
    run_it --apn test.apn
    [ "$rc" -eq 0 ] || fail "exit status $rc"
    contains "IP address 10.20.30.40"
    ;;
  resume_download)
    head -c 250000 /dev/urandom >"$work/root/big.bin"
    run_it --tries 4 /big.bin "$work/local/big.bin"
    [ "$rc" -eq 0 ] || fail "exit status $rc"
    same "resumed big.bin" "$work/root/big.bin" "$work/local/big.bin"
    grep -q '^try 1: from byte 0, got [0-9]* bytes: FTP download error (79)' "$work/out" ||
      fail "the first try did not fail with error 79 (--drop-after-bytes)"
    grep -Eq '^try 2: from byte [1-9][0-9]*, got [0-9]+ bytes$' "$work/out" ||
      fail "the second try did not resume from a non-zero offset"
    [ ! -e "$work/local/big.bin.resume" ] || fail "big.bin.resume left behind"
    ;;
  upload_directory)
    mkdir -p "$work/local/dir/subdir" "$work/root/dest"
    head -c 150000 /dev/urandom >"$work/local/dir/one.bin"
    head -c 1 /dev/urandom >"$work/local/dir/two.bin"
    printf 'a text file\n' >"$work/local/dir/three.txt"
    : >"$work/local/dir/empty.txt"
    printf 'not uploaded\n' >"$work/local/dir/subdir/inner.txt"
    run_it "$work/local/dir" /dest/upload
    [ "$rc" -eq 0 ] || fail "exit status $rc"
    for f in one.bin two.bin three.txt empty.txt; do
      same "server copy of $f" "$work/local/dir/$f" "$work/root/dest/upload/$f"
    done
    [ ! -e "$work/root/dest/upload/subdir" ] || fail "a subdirectory was uploaded"
    contains "4 uploaded, 0 failed"
    ;;
  *)
    echo "run_example: unknown example '$name'" >&2
    exit 2
    ;;
esac
echo "PASS $name"
