#!/usr/bin/env bash
# The main job: a local FTP server (pyftpdlib) and the emulated SIM7080 on a pseudo-terminal;
# sim7080-ftp drives the modem through every transfer method and checks SHA-256 at both ends.
# Usage: tools/demo/run-demo.sh [BUILD_DIR]   (default build/release). Cleans up after itself.
set -euo pipefail
build=${1:-build/release}
ftp="$build/tools/sim7080-ftp/sim7080-ftp"
emu="$build/tools/sim7080-emu/sim7080-emu"
for b in "$ftp" "$emu"; do [ -x "$b" ] || { echo "demo: $b not built" >&2; exit 2; }; done

work=$(mktemp -d)
server_pid=""; emu_pid=""
cleanup() {
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/root" "$work/local"

# A free port on loopback, then the FTP server on it.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 -m pyftpdlib -i 127.0.0.1 -p "$port" -w -d "$work/root" -u demo -P demo-secret >"$work/ftpd.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
  sleep 0.1
done

# The emulated modem prints its pseudo-terminal on its first line.
"$emu" >"$work/emu.out" 2>"$work/emu.err" &
emu_pid=$!
for _ in $(seq 100); do [ -s "$work/emu.out" ] && break; sleep 0.1; done
device=$(head -n1 "$work/emu.out")

export FTP_PASSWORD=demo-secret
run() { echo "\$ sim7080-ftp $*"; "$ftp" -d "$device" -s 127.0.0.1 -P "$port" -u demo --timeout 120 "$@"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
step() { printf '\n== %s\n' "$*"; }

echo "demo: FTP server 127.0.0.1:$port, emulated SIM7080 on $device"
head -c 1048576 /dev/urandom >"$work/local/big.bin"
head -c 262144 /dev/urandom >"$work/local/ram.bin"
want_big=$(sha "$work/local/big.bin"); want_ram=$(sha "$work/local/ram.bin")
echo "local 1 MiB file sha256 $want_big"

step "bring the bearer (PDP context) up"
run bearer up
step "make a directory"
run mkdir /demo
fails=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then echo "sha256 ok   $1"; else echo "sha256 BAD  $1 ($3)"; fails=$((fails + 1)); fi
}
for m in put extput etput; do
  # extput stages the file in the module's RAM (300 000 bytes): 1 MiB goes up in four rounds,
  # the first stored, the others appended.
  step "upload 1 MiB with --method $m"
  run put "$work/local/big.bin" "/demo/big-$m.bin" --method $m
  check "server copy of big-$m.bin" "$want_big" "$(sha "$work/root/demo/big-$m.bin")"
done
step "upload 256 KiB for the extget download below"
run put "$work/local/ram.bin" /demo/ram.bin --method put
check "server copy of ram.bin" "$want_ram" "$(sha "$work/root/demo/ram.bin")"
step "list the directory"
run ls /demo
step "size and modification time"
run size /demo/big-put.bin
run mdtm /demo/big-put.bin
for m in get etget; do
  step "download 1 MiB with --method $m"
  run get /demo/big-put.bin "$work/local/got-$m.bin" --method $m
  check "downloaded got-$m.bin" "$want_big" "$(sha "$work/local/got-$m.bin")"
done
step "download 256 KiB with --method extget (the module's RAM holds at most 300 000 bytes)"
run get /demo/ram.bin "$work/local/got-extget.bin" --method extget
check "downloaded got-extget.bin" "$want_ram" "$(sha "$work/local/got-extget.bin")"
step "clean up on the server"
for f in big-put.bin big-extput.bin big-etput.bin ram.bin; do run rm "/demo/$f"; done
run rmdir /demo
run bearer down
if [ "$fails" -ne 0 ]; then echo "demo: $fails checksum(s) differ" >&2; exit 1; fi
printf '\ndemo: every transfer method moved the bytes intact\n'
