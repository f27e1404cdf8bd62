#!/usr/bin/env bash
# flametop's benchmark (`make bench`): the ground-truth workload alone, under
# `flametop record`, under `perf record -g` (+ `perf script`) and under bpftrace,
# at 99 and 999 Hz, in alternating runs. Prints a Markdown table.
#
# Measured per configuration (mean of REPS runs):
#   loss %      target throughput lost vs. the alone runs (rounds of work done)
#   CPU s       the profiler's own user+sys CPU seconds (perf: record + script)
#   peak RSS    the profiler's maximum resident set (perf: the larger of the two)
#   ns/sample   BPF program run time per recorded sample (kernel.bpf_stats_enabled)
# plus start → first sample, drain time of 10k keys, and the time slices' window and memory.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-8}
REPS=${REPS:-3}
RATES=${RATES:-"99 999"}
FLAMETOP=${FLAMETOP:-dist/flametop}
[ "$(id -u)" -eq 0 ] || { echo "bench needs root (eBPF, perf, bpf_stats)"; exit 1; }

work=$(mktemp -d /tmp/flametop-bench-XXXXXX)
cleanup() {
    sysctl -q kernel.bpf_stats_enabled="${stats_before:-0}" || true
    pkill -f "$work/gt" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
stats_before=$(cat /proc/sys/kernel/bpf_stats_enabled)
sysctl -q kernel.bpf_stats_enabled=1

# The flags of Tests/TestSupport/GroundTruthWorkload.swift (see there for -falign-functions).
gcc -O1 -g -fno-omit-frame-pointer -fno-inline -falign-functions=64 -pthread -no-pie -I Tests/Workloads \
    -o "$work/gt" Tests/Workloads/ground_truth.c

# Sum of run_time_ns and run_cnt over a process's perf_event BPF programs (type 7).
bpf_prog_stats() {
    local pid=$1 time=0 count=0
    for info in /proc/"$pid"/fdinfo/*; do
        grep -q '^prog_type:[[:space:]]*7$' "$info" 2>/dev/null || continue
        time=$((time + $(awk '/^run_time_ns:/ {print $2}' "$info")))
        count=$((count + $(awk '/^run_cnt:/ {print $2}' "$info")))
    done
    echo "$time $count"
}

# Starts the workload for DURATION+1 s and sets $pid. Its "rounds N" goes to $1.
start_workload() {
    "$work/gt" $((DURATION + 1)) >"$1" &
    pid=$!
    until grep -q ready "$1" 2>/dev/null; do sleep 0.01; done
}

rounds_of() { awk '/^rounds/ {print $2}' "$1"; }

declare -A sum_rounds sum_cpu max_rss sum_ns
add() { sum_rounds[$1]=$(echo "${sum_rounds[$1]:-0} + $2" | bc -l); sum_cpu[$1]=$(echo "${sum_cpu[$1]:-0} + $3" | bc -l)
        local rss=${max_rss[$1]:-0}; [ "$4" -gt "$rss" ] && max_rss[$1]=$4; sum_ns[$1]=$(echo "${sum_ns[$1]:-0} + $5" | bc -l); }

first_sample_ms=()
for rate in $RATES; do
    for rep in $(seq "$REPS"); do
        # alone
        start_workload "$work/alone.out"; wait "$pid"
        add "alone-$rate" "$(rounds_of "$work/alone.out")" 0 0 0

        # flametop record
        start_workload "$work/ft.out"
        FLAMETOP_BENCH_T0_NS=$(date +%s%N) /usr/bin/time -f "%U %S %M" -o "$work/ft.time" \
            "$FLAMETOP" record --pid "$pid" --duration "$DURATION" --frequency "$rate" \
            --output "$work/ft.folded" 2>"$work/ft.err" &
        ft=$!
        sleep $((DURATION - 1))
        ftpid=$(pgrep -P "$ft" -f "flametop record" | head -1 || true)
        read -r ns runs < <(bpf_prog_stats "${ftpid:-$ft}")
        wait "$ft"; wait "$pid"
        read -r user sys rss < "$work/ft.time"
        first_sample_ms+=("$(awk '/first sample/ {print $4}' "$work/ft.err")")
        add "flametop-$rate" "$(rounds_of "$work/ft.out")" "$(echo "$user + $sys" | bc -l)" "$rss" \
            "$( [ "$runs" -gt 0 ] && echo "$ns / $runs" | bc -l || echo 0)"

        # perf record -g + perf script
        start_workload "$work/perf.out"
        /usr/bin/time -f "%U %S %M" -o "$work/perf.time" \
            perf record -q -e cpu-clock -g -F "$rate" -p "$pid" -o "$work/perf.data" -- sleep "$DURATION" 2>/dev/null
        wait "$pid"
        /usr/bin/time -f "%U %S %M" -o "$work/script.time" perf script -i "$work/perf.data" >/dev/null 2>&1
        read -r u1 s1 r1 < "$work/perf.time"; read -r u2 s2 r2 < "$work/script.time"
        add "perf-$rate" "$(rounds_of "$work/perf.out")" "$(echo "$u1 + $s1 + $u2 + $s2" | bc -l)" \
            "$(( r1 > r2 ? r1 : r2 ))" 0

        # bpftrace, for the BPF program's cost per sample
        start_workload "$work/bt.out"
        /usr/bin/time -f "%U %S %M" -o "$work/bt.time" \
            bpftrace -q -e "profile:hz:$rate /pid == $pid/ { @[ustack, kstack] = count(); @samples = count(); } interval:s:$DURATION { exit(); }" \
            >"$work/bt.stdout" 2>&1 &
        bt=$!
        sleep $((DURATION - 1))
        btpid=$(pgrep -P "$bt" bpftrace | head -1 || true)
        read -r ns runs < <(bpf_prog_stats "${btpid:-$bt}")
        wait "$bt" || true; wait "$pid"
        read -r user sys rss < "$work/bt.time"
        # bpftrace's profile probe is per-CPU: most runs of other CPUs are filtered
        # out. Charge its BPF time to the samples it recorded (scaled to the moment
        # the stats were read), as flametop's per-task runs all record.
        recorded=$(awk '/^@samples:/ {print $2}' "$work/bt.stdout")
        recorded_then=$(echo "${recorded:-0} * ($DURATION - 1) / $DURATION" | bc -l)
        add "bpftrace-$rate" "$(rounds_of "$work/bt.out")" "$(echo "$user + $sys" | bc -l)" "$rss" \
            "$( [ "${recorded:-0}" -gt 0 ] && echo "$ns / $recorded_then" | bc -l || echo 0)"
    done
done

printf '\n| profiler | rate | target loss %% | own CPU s | peak RSS MB | BPF ns/sample |\n|---|---|---|---|---|---|\n'
for rate in $RATES; do
    alone=$(echo "${sum_rounds[alone-$rate]} / $REPS" | bc -l)
    for tool in flametop perf bpftrace; do
        key="$tool-$rate"
        rounds=$(echo "${sum_rounds[$key]} / $REPS" | bc -l)
        printf '| %s | %s Hz | %.1f | %.3f | %.1f | %s |\n' "$tool" "$rate" \
            "$(echo "100 * (1 - $rounds / $alone)" | bc -l)" \
            "$(echo "${sum_cpu[$key]} / $REPS" | bc -l)" \
            "$(echo "${max_rss[$key]} / 1024" | bc -l)" \
            "$( [ "$tool" = perf ] && echo "n/a" || printf '%.0f' "$(echo "${sum_ns[$key]} / $REPS" | bc -l)")"
    done
done
printf '\nstart → first sample (ms, each run): %s\n' "${first_sample_ms[*]}"
"$FLAMETOP" bench-drain --keys 10000

# Time slices (the profile's 1 s ring): re-aggregating a 10-minute window, and the memory of
# 10 minutes at 99 Hz, on the ground truth's shape and on 10k distinct stacks (one busy CPU,
# then two: what a system-wide session on this host adds at most).
printf '\n## Time slices\n'
"$FLAMETOP" bench-slices --ground-truth --seconds 600 --rate 99
"$FLAMETOP" bench-slices --stacks 10000 --seconds 600 --rate 99
"$FLAMETOP" bench-slices --stacks 10000 --seconds 600 --rate 198

# The live UI's own cost: the profile screen at 120×40 without history, redrawn every 0.5 s
# from live snapshots, for 20 s (this includes sampling, draining and symbolizing: an upper bound).
printf '\n## Live UI cost\n'
for rate in $RATES; do
    "$work/gt" 40 >/dev/null &
    target=$!
    tmux -L "flametop-bench-$$" -f /dev/null new-session -d -x 120 -y 40 \
        "LANG=C.UTF-8 $FLAMETOP --pid $target -F $rate --history 0"
    sleep 4
    ui=$(pgrep -n -x flametop)
    read -r u1 s1 < <(awk '{print $14, $15}' /proc/"$ui"/stat)
    sleep 20
    read -r u2 s2 < <(awk '{print $14, $15}' /proc/"$ui"/stat)
    rss=$(awk '/VmHWM/ {print $2}' /proc/"$ui"/status)
    tmux -L "flametop-bench-$$" kill-server
    kill "$target" 2>/dev/null || true
    printf 'profile screen 120x40 at %s Hz: %.2f%% of one core over 20 s, peak RSS %.1f MB\n' "$rate" \
        "$(echo "100 * (($u2 - $u1) + ($s2 - $s1)) / $(getconf CLK_TCK) / 20" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done

# Footprint: binary size, start → first sample vs bpftrace.
FLAMETOP="$FLAMETOP" bash scripts/bench-startup.sh

# Symbolization (DWARF names, lines, inlined frames) against `eu-addr2line -f -i` on the
# same unique addresses: cold (nothing indexed) and warm (modules indexed, new addresses).
# A large gcc-built program generated here (many functions, each with inlined helpers)
# plus libc with its libc6-dbg debug file; then a clang/Swift-built binary (no
# .debug_aranges), where eu-addr2line 0.188 answers ??:0.
printf '\n## Symbolization\n'
# 40 compilation units of 100 functions each (one huge unit makes eu-addr2line walk it all per address).
mkdir -p "$work/big-src"
awk -v dir="$work/big-src" 'BEGIN {
    for (i = 0; i < 4000; i++) {
        file = dir "/part" int(i / 100) ".c";
        if (i % 100 == 0) print "extern volatile unsigned long sink;" > file;
        printf "static inline __attribute__((always_inline)) unsigned long helper_%d(unsigned long x) {\n", i > file;
        printf "    for (unsigned long k = 0; k < (x & 7); k++) sink += x * %d + k;\n    return sink ^ x;\n}\n", i + 3 > file;
        printf "__attribute__((noinline)) unsigned long function_%d(unsigned long x) {\n", i > file;
        printf "    unsigned long y = helper_%d(x);\n    if (y & 1) y += helper_%d(y >> 1);\n    return y;\n}\n", i, i > file;
        printf "unsigned long function_%d(unsigned long);\n", i > (dir "/main.c");
    }
    print "volatile unsigned long sink;\nint main(int argc, char **argv) { unsigned long t = (unsigned long)argc;" > (dir "/main.c");
    for (i = 0; i < 4000; i++) printf "    t += function_%d(t);\n", i > (dir "/main.c");
    print "    return (int)(t & 1); }" > (dir "/main.c");
}'
gcc -O2 -g -o "$work/big" "$work"/big-src/*.c
libc=$(readlink -f /lib/x86_64-linux-gnu/libc.so.6)
"$FLAMETOP" bench-symbolize --file "$work/big" --file "$libc" --count 20000 --compare-addr2line
swift_binary=${SYMBOLIZE_CLANG_BINARY:-.build/debug/flametop}
if [ -f "$swift_binary" ] && readelf -S "$swift_binary" | grep -q debug_info; then
    cp "$swift_binary" "$work/flametop-debug"
    "$FLAMETOP" bench-symbolize --file "$work/flametop-debug" --count 20000 --compare-addr2line
else
    echo "(no clang/Swift-built binary with DWARF at $swift_binary: run swift build first)"
fi

# DWARF unwinding: completeness fp vs dwarf, and cost vs perf --call-graph dwarf.
FLAMETOP="$FLAMETOP" DURATION="$DURATION" RATES="$RATES" bash scripts/bench-unwind.sh

# Off-CPU mode (issue 12): a ~50k switches/s workload alone, under --mode off and under bpftrace.
FLAMETOP="$FLAMETOP" DURATION="$DURATION" bash scripts/bench-offcpu.sh

# `flametop view` on large inputs (issue 14): time from the command to the tree on screen, and
# peak RSS (goal: at most 3× the file + 30 MB, under 2 s for 1M lines). The command is typed
# into a shell already running in tmux, so the time leaves tmux's own start-up out.
printf '\n## view\n'
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
open(f"{work}/deep.folded", "w").write(";".join(f"f{i}" for i in range(100000)) + " 7\n")
with open(f"{work}/million.folded", "w") as out:
    for i in range(1000000):
        out.write(f"main;run;work;f{i} {1 + i % 7}\n")
with open(f"{work}/functions2000.folded", "w") as out:
    for i in range(1000000):
        out.write(f"main;run;work;f{i % 1000};g{i // 1000} {1 + i % 7}\n")
PY
tmux -L "flametop-view-$$" -f /dev/null new-session -d -x 120 -y 40 "bash --norc --noprofile"
for case in "deep.folded f15" "functions2000.folded run" "million.folded run"; do
    set -- $case
    tmux -L "flametop-view-$$" send-keys "clear; LANG=C.UTF-8 /usr/bin/time -v -o $work/view.time $FLAMETOP view $work/$1" Enter
    start=$(date +%s.%N)
    for _ in $(seq 1 12000); do
        tmux -L "flametop-view-$$" capture-pane -p | grep -q -- " $2" && break
        sleep 0.005
    done
    shown=$(date +%s.%N)
    tmux -L "flametop-view-$$" send-keys q
    for _ in $(seq 1 500); do grep -q "Exit status" "$work/view.time" 2>/dev/null && break; sleep 0.02; done
    printf '%s: %d bytes, tree shown after %.2f s, peak RSS %d MB, CPU %s s\n' "$1" "$(stat -c %s "$work/$1")" \
        "$(echo "$shown - $start" | bc -l)" "$(( $(awk -F: '/Maximum resident/ {print $2}' "$work/view.time") / 1024 ))" \
        "$(awk -F: '/User time|System time/ {s += $2} END {print s}' "$work/view.time")"
    rm -f "$work/view.time"
done
tmux -L "flametop-view-$$" kill-server

# System-wide on a busy host: samples kept, CPU and memory vs perf; auto vs dwarf.
echo
FLAMETOP="$FLAMETOP" RATES="$RATES" bash scripts/bench-system-wide.sh
