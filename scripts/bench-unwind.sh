#!/usr/bin/env bash
# DWARF unwinding (`make bench` runs it last; runs alone too, as root):
#   1. completeness: share of samples with the complete expected stack, frame
#      pointers vs DWARF, on the ground-truth workload and the qsort path built
#      -O2 -fomit-frame-pointer (libc has no frame pointers either), and the
#      per-function shares against the truth (50/30/20);
#   2. cost: flametop --unwind dwarf vs `perf record -e cpu-clock --call-graph dwarf`
#      plus its `perf script`, at 99 and 999 Hz, in the same run: own CPU seconds
#      and peak RSS (perf: the larger of record and script).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-8}
RATES=${RATES:-"99 999"}
FLAMETOP=${FLAMETOP:-dist/flametop}
[ "$(id -u)" -eq 0 ] || { echo "bench needs root (eBPF, perf)"; exit 1; }

work=$(mktemp -d /tmp/flametop-unwind-bench-XXXXXX)
workload_pid=""
cleanup() {
    [ -n "$workload_pid" ] && kill "$workload_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The flags of Tests/FlametopTests/UnwindSystemTests.swift: no frame pointers, no tail calls.
NOFP="-O2 -g -fomit-frame-pointer -fno-optimize-sibling-calls -fno-inline -falign-functions=64 -pthread"
gcc $NOFP -no-pie -I Tests/Workloads -o "$work/gt-nofp" Tests/Workloads/ground_truth.c
gcc $NOFP -I Tests/Workloads -o "$work/shapes-nofp" Tests/Workloads/unwind_shapes.c

start() { # executable args… → $workload_pid, once it printed ready
    "$@" >"$work/workload.out" &
    workload_pid=$!
    until grep -q ready "$work/workload.out" 2>/dev/null; do sleep 0.01; done
}
stop() { kill "$workload_pid" 2>/dev/null || true; wait "$workload_pid" 2>/dev/null || true; workload_pid=""; }

# Folded file → "exact% alpha% beta% omega%" for the ground truth.
gt_figures() {
    awk '{ n = $NF; stack = $0; sub(/ [0-9]+$/, "", stack); total += n
           leaf = stack; sub(/.*;/, "", leaf); share[leaf] += n
           if (match(stack, /(^|;)main;/)) {
               from = substr(stack, RSTART + (substr(stack, RSTART, 1) == ";"))
               if (from == "main;run;alpha" || from == "main;run;dispatch;beta" || from == "main;run;dispatch;deep;omega") exact += n
           } }
         END { printf "%.1f %.1f %.1f %.1f\n", 100 * exact / total, 100 * share["alpha"] / total,
               100 * share["beta"] / total, 100 * share["omega"] / total }' "$1"
}
# Folded file → "complete% of comparator samples" (main;sort_forever;…;compare_slow).
qsort_figure() {
    awk '/compare_slow/ { n = $NF; total += n; if ($0 ~ /(^|;)main;sort_forever;.+;compare_slow/) ok += n }
         END { printf "%.1f", total ? 100 * ok / total : 0 }' "$1"
}

printf '\n## DWARF unwinding: completeness (-O2 -fomit-frame-pointer, %s s at 999 Hz)\n' "$DURATION"
printf '| workload | unwind | complete stacks %% | alpha %% (50) | beta %% (30) | omega %% (20) |\n|---|---|---|---|---|---|\n'
for mode in fp dwarf; do
    start "$work/gt-nofp"
    "$FLAMETOP" record --pid "$workload_pid" --duration "$DURATION" --frequency 999 --unwind "$mode" \
        --output "$work/gt-$mode.folded" 2>"$work/gt-$mode.err"
    stop
    read -r exact alpha beta omega < <(gt_figures "$work/gt-$mode.folded")
    printf '| ground truth | %s | %s | %s | %s | %s |\n' "$mode" "$exact" "$alpha" "$beta" "$omega"
    start "$work/shapes-nofp" qsort
    "$FLAMETOP" record --pid "$workload_pid" --duration "$DURATION" --frequency 999 --unwind "$mode" \
        --output "$work/qs-$mode.folded" 2>"$work/qs-$mode.err"
    stop
    printf '| qsort comparator | %s | %s | | | |\n' "$mode" "$(qsort_figure "$work/qs-$mode.folded")"
done
grep -h "unwind stopped\|ring buffer" "$work"/gt-dwarf.err "$work"/qs-dwarf.err || echo "(dwarf runs: no unwind losses)"

printf '\n## DWARF unwinding: cost vs perf --call-graph dwarf (ground truth, %s s)\n' "$DURATION"
printf '| profiler | rate | own CPU s | peak RSS MB | samples |\n|---|---|---|---|---|\n'
for rate in $RATES; do
    start "$work/gt-nofp"
    /usr/bin/time -f "%U %S %M" -o "$work/ft.time" "$FLAMETOP" record --pid "$workload_pid" \
        --duration "$DURATION" --frequency "$rate" --unwind dwarf --output "$work/ft.folded" 2>"$work/ft.err"
    stop
    read -r user sys rss < "$work/ft.time"
    samples=$(awk '{ s += $NF } END { print s }' "$work/ft.folded")
    printf '| flametop --unwind dwarf | %s Hz | %.2f | %.1f | %s |\n' "$rate" "$(echo "$user + $sys" | bc -l)" \
        "$(echo "$rss / 1024" | bc -l)" "$samples"

    start "$work/gt-nofp"
    /usr/bin/time -f "%U %S %M" -o "$work/perf.time" perf record -q -e cpu-clock --call-graph dwarf \
        -F "$rate" -p "$workload_pid" -o "$work/perf.data" -- sleep "$DURATION" 2>/dev/null
    stop
    /usr/bin/time -f "%U %S %M" -o "$work/script.time" perf script -i "$work/perf.data" >"$work/perf.script" 2>/dev/null
    read -r u1 s1 r1 < "$work/perf.time"; read -r u2 s2 r2 < "$work/script.time"
    samples=$(grep -c "cpu-clock" "$work/perf.script" || true)
    printf '| perf record --call-graph dwarf + perf script | %s Hz | %.2f | %.1f | %s |\n' "$rate" \
        "$(echo "$u1 + $s1 + $u2 + $s2" | bc -l)" "$(echo "$(( r1 > r2 ? r1 : r2 )) / 1024" | bc -l)" "$samples"
done
