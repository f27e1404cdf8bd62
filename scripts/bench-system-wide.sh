#!/usr/bin/env bash
# System-wide recording on a busy host (issue: "one engine, many sources"):
# both cores run CPU-bound programs, one built with frame pointers, one without,
# and one whose binary carries a lot of DWARF. `flametop record --all` and
# `perf record -a --call-graph dwarf` + `perf script` run alternately on that
# load (never at the same time), at each rate. Prints Markdown tables.
#
#   kept %      samples in the profile / expected, where expected = Hz x the
#               CPU-seconds the host was busy during the run (/proc/stat), less
#               flametop's own (it does not sample itself)
#   CPU s       the profiler's user+sys seconds (perf: record + script)
#   peak RSS    maximum resident set (perf: the larger of record and script)
# Then auto vs dwarf on the frameless ground truth, recorded at the same time.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
REPS=${REPS:-2}
RATES=${RATES:-"99 999"}
FLAMETOP=${FLAMETOP:-dist/flametop}
[ "$(id -u)" -eq 0 ] || { echo "bench needs root"; exit 1; }

work=$(mktemp -d /tmp/flametop-bench-all-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

gcc -O1 -g -fno-omit-frame-pointer -fno-inline -pthread -no-pie -I Tests/Workloads -o "$work/gt-fp" Tests/Workloads/ground_truth.c
gcc -O2 -g -fomit-frame-pointer -fno-optimize-sibling-calls -fno-inline -pthread -no-pie -I Tests/Workloads \
    -o "$work/gt-nofp" Tests/Workloads/ground_truth.c
# A binary with ~20 MB of DWARF: 3000 functions, each with its own types and lines.
python3 - "$work/big.c" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("#include <stdlib.h>\n")
    for i in range(3000):
        f.write(f"struct s{i} {{ long a{i}; double b{i}; char c{i}[{i % 7 + 1}]; }};\n")
        f.write(f"__attribute__((noinline)) long f{i}(long x) {{ struct s{i} v = {{ x, x * 0.5, {{0}} }};\n")
        f.write("".join(f"  v.a{i} = v.a{i} * 31 + {k};\n" for k in range(6)))
        f.write(f"  return v.a{i} + (long)v.b{i}; }}\n")
    f.write("typedef long (*fn)(long);\nstatic fn table[] = {" + ",".join(f"f{i}" for i in range(3000)) + "};\n")
    f.write("int main(void) { long x = 1; for (unsigned long i = 0;; i++) x += table[(i * 2654435761u) % 3000](x); }\n")
PY
gcc -O1 -g3 -o "$work/big-dwarf" "$work/big.c"

"$work/gt-fp" 100000 >/dev/null & pids+=($!)
"$work/gt-nofp" 100000 >/dev/null & pids+=($!)
"$work/big-dwarf" & pids+=($!)
sleep 1

busy_jiffies() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
hz=$(getconf CLK_TCK)

echo "### record --all on a busy host (${DURATION} s, ${REPS} runs each, alternating)"
echo
echo "| tool | Hz | kept % (min) | losses | CPU s | peak RSS MB |"
echo "|---|---|---|---|---|---|"
for rate in $RATES; do
    declare -A kept=() cpu=() rss=() lost=()
    for rep in $(seq "$REPS"); do
        for tool in flametop perf; do
            before=$(busy_jiffies)
            start=$(date +%s.%N)
            if [ "$tool" = flametop ]; then
                /usr/bin/time -f "%U %S %M" -o "$work/time" "$FLAMETOP" record --all -d "$DURATION" -F "$rate" \
                    -o "$work/all.folded" 2>"$work/summary" >/dev/null
                samples=$(awk '{s += $NF} END {print s + 0}' "$work/all.folded")
                # `losses: none` has no counter lines: grep finds nothing, which is no failure.
                losses=$(sed -n '/^losses:/,$p' "$work/summary" | { grep -E '^  .*: [0-9]+$' || true; } | awk -F': ' '{s += $NF} END {print s + 0}')
                read -r user sys peak <"$work/time"
                cpus="$user + $sys"; peakkb=$peak
            else
                /usr/bin/time -f "%U %S %M" -o "$work/time" perf record -q -a -F "$rate" --call-graph dwarf \
                    -o "$work/perf.data" -- sleep "$DURATION" 2>/dev/null
                read -r u1 s1 m1 <"$work/time"
                /usr/bin/time -f "%U %S %M" -o "$work/time2" perf script -i "$work/perf.data" >"$work/perf.txt" 2>/dev/null
                read -r u2 s2 m2 <"$work/time2"
                samples=$(grep -v '^ *swapper ' "$work/perf.txt" | grep -c ' cpu-clock' || true)
                losses=$(perf report -i "$work/perf.data" --stats 2>/dev/null | awk '/LOST/ {s += $NF} END {print s + 0}')
                cpus="$u1 + $s1 + $u2 + $s2"; peakkb=$(( m1 > m2 ? m1 : m2 ))
            fi
            end=$(date +%s.%N)
            busy=$(echo "($(busy_jiffies) - $before) / $hz" | bc -l)
            # flametop leaves its own process out of system-wide sampling (perf samples itself):
            # its CPU time cannot give samples, so it is not expected to.
            [ "$tool" = flametop ] && busy=$(echo "$busy - ($cpus)" | bc -l)
            expected=$(echo "$rate * $busy" | bc -l)
            share=$(echo "100 * $samples / $expected" | bc -l)
            key="$tool"
            kept[$key]=$(printf '%s\n' "${kept[$key]:-1000}" "$share" | sort -g | head -1)
            cpu[$key]=$(echo "${cpu[$key]:-0} + ($cpus) / $REPS" | bc -l)
            rss[$key]=$(( ${rss[$key]:-0} > peakkb ? ${rss[$key]:-0} : peakkb ))
            lost[$key]=$(( ${lost[$key]:-0} + losses ))
            rm -f "$work/perf.data" "$work/perf.txt"
        done
    done
    for tool in flametop perf; do
        printf '| %s | %s | %.1f | %s | %.2f | %.1f |\n' "$tool" "$rate" "${kept[$tool]}" "${lost[$tool]}" \
            "${cpu[$tool]}" "$(echo "${rss[$tool]} / 1024" | bc -l)"
    done
done
echo
echo "Last flametop summary:"
echo '```'
sed -n '1,4p;/^memory/p;/^losses/,$p' "$work/summary"
echo '```'

echo
echo "### auto vs dwarf on the frameless ground truth (5 s, 999 Hz, both at once)"
"$FLAMETOP" record -p "${pids[1]}" -d 5 -F 999 -v -o "$work/auto.folded" 2>"$work/auto.err" &
a=$!
"$FLAMETOP" record -p "${pids[1]}" -d 5 -F 999 --unwind dwarf -o "$work/dwarf.folded" 2>"$work/dwarf.err" &
d=$!
wait "$a" "$d"
complete() { awk '{n = $NF; s += n; if ($0 ~ /(^|;)main;/ && $0 !~ /unwind stopped/) c += n} END {printf "%d %d\n", c, s}' "$1"; }
read -r ca sa < <(complete "$work/auto.folded")
read -r cd sd < <(complete "$work/dwarf.folded")
printf '| mode | complete stacks | of samples | share |\n|---|---|---|---|\n'
printf '| auto | %d | %d | %.1f%% |\n| dwarf | %d | %d | %.1f%% |\n' "$ca" "$sa" "$(echo "100*$ca/$sa" | bc -l)" "$cd" "$sd" "$(echo "100*$cd/$sd" | bc -l)"
printf '\nauto / dwarf complete share: %.1f%%; decision: %s\n' \
    "$(echo "100 * ($ca/$sa) / ($cd/$sd)" | bc -l)" "$(grep -o 'unwind decision: .*' "$work/auto.err" | head -1)"
