#!/usr/bin/env python3
"""CPU time of whole `indicia extract --apk` processes, the indicia column beside androguard_extract.py.

    python3 benches/peers/cli_extract_times.py target/release/indicia ROUNDS APK...

Runs `INDICIA extract --apk APK` ROUNDS times per APK (output discarded) and prints, per APK, the
best wall-clock time and the best CPU time (user + system of the child, from getrusage), which
includes the process start-up, and MB/s (APK size / best CPU time).
"""

import os
import resource
import subprocess
import sys
import time


def main():
    indicia, rounds, apks = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    print("apk\tbytes\tbest_wall_s\tbest_cpu_s\tMB/s_cpu")
    for path in apks:
        walls, cpus = [], []
        for _ in range(rounds):
            before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run([indicia, "extract", "--apk", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        size = os.path.getsize(path)
        print(f"{os.path.basename(path)}\t{size}\t{min(walls):.4f}\t{min(cpus):.4f}\t{size / 1e6 / max(min(cpus), 1e-6):.1f}")


if __name__ == "__main__":
    main()
