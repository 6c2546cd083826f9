#!/usr/bin/env bash
# Runs every benchmark of tests/bench at full size and prints one table of figures and targets.
#
#   tests/bench/run-all.sh [BUILD_DIR]        (default: build-bench)
#
# Build first (Release):
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench --target parser_bench alloc_bench rss_bench goodput_bench sim7080-emu
#
# Sizes and choices (environment; the defaults take about 70 s on 2 cores):
#   BENCH_SIZE_115200=64K  BENCH_SIZE_921600=256K  BENCH_SIZE_UNPACED=1M  BENCH_LATENCY_MS=1
#   BENCH_PACINGS=115200,921600,unpaced  BENCH_METHODS=get,extget,etget,put,extput,etput
#       goodput and host CPU; extget/extput use min(size, 256K) (module RAM: 300 000 bytes)
#   BENCH_ALLOC_SMALL=64K  BENCH_ALLOC_LARGE=1M      allocations per chunk (difference of the two)
#   BENCH_RSS_SMALL=1M  BENCH_RSS_LARGE=64M  BENCH_RSS_METHODS=get,etget   peak RSS
#   BENCH_PARSER_MIN_TIME=0.5                         seconds per parser benchmark
#   BENCH_ONLY="parser alloc rss goodput"             which benchmarks to run
#   BENCH_OUT=DIR                                     keep JSON and console logs there
# Benchmarks never fail on time: the exit status is non-zero only if one could not run.
set -euo pipefail

build=${1:-build-bench}
bin="$build/tests/bench"
only=${BENCH_ONLY:-"parser alloc rss goodput"}
out=${BENCH_OUT:-$(mktemp -d /tmp/sim7080-bench-results-XXXXXX)}
mkdir -p "$out"

for b in $only; do
  if [[ ! -x "$bin/${b}_bench" ]]; then
    echo "run-all.sh: $bin/${b}_bench is missing; build it first (see the header of this script)" >&2
    exit 2
  fi
done

machine() {
  printf 'nproc %s, %s, load average %s' "$(nproc)" \
    "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
echo "machine before: $(machine)" | tee "$out/machine.txt" >&2
start=$(date +%s)
status=0
for b in $only; do
  args=(--benchmark_out="$out/${b}.json" --benchmark_out_format=json)
  [[ $b == parser ]] && args+=(--benchmark_min_time="${BENCH_PARSER_MIN_TIME:-0.5}")
  t0=$(date +%s)
  printf '%-8s ... ' "$b" >&2
  if "$bin/${b}_bench" "${args[@]}" >"$out/${b}.log" 2>&1; then
    printf 'done in %ss\n' "$(( $(date +%s) - t0 ))" >&2
  else
    printf 'FAILED (see %s)\n' "$out/${b}.log" >&2
    status=1
  fi
done
echo "machine after:  $(machine)" | tee -a "$out/machine.txt" >&2
echo "total: $(( $(date +%s) - start ))s; logs and JSON in $out" >&2

python3 - "$out" $only <<'PY'
import json, math, os, sys

out, names = sys.argv[1], sys.argv[2:]
rows = []  # (benchmark, case, figure, target, verdict)

def load(name):
    p = os.path.join(out, name + ".json")
    if not os.path.exists(p):
        return []
    with open(p) as f:
        return json.load(f).get("benchmarks", [])

def si(v, unit=""):
    for div, suf in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v/div:.3g} {suf}{unit}"
    return f"{v:.3g} {unit}".rstrip()

def verdict(ok):
    return "met" if ok else "**MISSED**"

for b in load("parser") if "parser" in names else []:
    mbps = b["bytes_per_second"] / 1e6
    tgt = b.get("target_MBps", 0)
    kind = "payload-heavy" if "Payload" in b["name"] else "line-heavy"
    chunk = b["name"].split("/")[1]
    rows.append(("parser throughput", f"{kind}, fed in {chunk}-byte reads", f"{mbps:,.0f} MB/s", f">= {tgt:,.0f} MB/s", verdict(mbps >= tgt)))

for b in load("alloc") if "alloc" in names else []:
    m = b["name"].split("/")[1]
    if b.get("error_occurred"):
        rows.append(("allocations per chunk", m, "error: " + b.get("error_message", "")[:60], "0", "**ERROR**"))
        continue
    pc = b["allocs_per_chunk"]
    rows.append(("allocations per chunk", f"{m} (steady state, {int(b['chunks_large']-b['chunks_small'])} chunks)",
                 f"{pc:.2f} per chunk ({b['allocs_per_MiB']:,.0f} per MiB)", "0", verdict(pc < 0.05)))

for b in load("rss") if "rss" in names else []:
    m = b["name"].split("/")[1]
    if b.get("error_occurred"):
        rows.append(("peak RSS", m, "error: " + b.get("error_message", "")[:60], "< 1024 KiB growth", "**ERROR**"))
        continue
    g = b["growth_KiB"]
    rows.append(("peak RSS (VmHWM), FileSink, unpaced", f"{m} {si(b['bytes_small'],'B')} -> {si(b['bytes_large'],'B')}",
                 f"{b['hwm_small_KiB']:.0f} -> {b['hwm_large_KiB']:.0f} KiB (growth {g:.0f} KiB)", "growth < 1024 KiB", verdict(g < 1024)))

for b in load("goodput") if "goodput" in names else []:
    if b["name"].startswith("rig/pty_round_trip/"):
        n, quiet = (int(x) for x in b["name"].split("/")[2:4])
        rows.append(("rig calibration: pty round trip", f"17 bytes out, {n} back, after {quiet} ms quiet; two processes in poll()",
                     f"mean {b['mean_us']:.0f} us, median {b['median_us']:.0f} us, p90 {b['p90_us']:.0f} us", "(reported)", ""))
        continue
    if b["name"].startswith("rig/"):
        us = int(b["name"].split("/")[2])
        rows.append(("rig calibration: sleep_for overshoot", f"sleep_for({us} us), relative (the emulator now paces on an absolute schedule)",
                     f"+{b['overshoot_us']:.0f} us = {b['overshoot_pct']:.2f} % of the sleep", "(reported)", ""))
        continue
    _, m, pacing, size = b["name"].split("/")[:4]
    case = f"{m} @ {pacing}, {si(int(size), 'B')}"
    if b.get("error_occurred"):
        rows.append(("goodput / bound", case, "error: " + b.get("error_message", "")[:60], ">= 99 %", "**ERROR**"))
        continue
    ratio = b["ratio_pct"]
    fig = f"{b['goodput_Bps']:,.0f} B/s"
    if b["bound_Bps"] > 0:
        fig += (f" = {ratio:.2f} % of {b['bound_Bps']:,.0f} B/s; host-only {b['host_only_ratio_pct']:.2f} %"
                f" (host {b['host_critical_ms']:.1f} ms, emulator {b['loss_emulator_reply_ms'] + b['loss_pacing_overshoot_ms'] + b['loss_pty_ms']:.0f} ms of {b['wall_ms']:.0f} ms)")
        rows.append(("goodput / bound", case, fig, ">= 99 %", verdict(ratio >= 99)))
    else:
        rows.append(("goodput / bound", case, fig + " (no bound: unpaced, no latency)", ">= 99 %", "n/a"))
    cpu = f"{b['cpu_pct']:.2f} % of a core, {b['cpu_ms_per_MiB']:.1f} ms/MiB"
    if "target_cpu_pct" in b:
        rows.append(("host CPU", case, cpu, "<= 2 % of a core", verdict(b["cpu_pct"] <= b["target_cpu_pct"])))
    else:
        rows.append(("host CPU", case, cpu, "(reported)", ""))

hdr = ("benchmark", "case", "figure", "target", "verdict")
print()
print("| " + " | ".join(hdr) + " |")
print("|" + "|".join("---" for _ in hdr) + "|")
for r in rows:
    print("| " + " | ".join(r) + " |")
PY
exit $status
