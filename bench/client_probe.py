"""The memory and CPU of one process over its run (issue 14): the command's own process, its
children not counted, sampled every second from ``/proc`` (Linux).

    python bench/client_probe.py namelink run CORPUS -o OUT --full --engine dask --workers 2

Prints about fifteen samples: seconds since start, the process's CPU seconds, RssAnon, RssFile,
VmHWM (peak RSS) and its thread count.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def sample(pid: int, tick: int) -> tuple[float, float, int, int, int, int] | None:
    try:
        stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status") if ":" in line)
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None

    def mb(key: str) -> int:
        return int(status.get(key, "0 kB").split()[0]) // 1024

    cpu = (int(stat[11]) + int(stat[12])) / tick
    return time.time(), cpu, mb("RssAnon"), mb("RssFile"), mb("VmHWM"), int(status["Threads"])


def main() -> None:
    process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
    tick = os.sysconf("SC_CLK_TCK")
    samples = []
    while process.poll() is None:
        found = sample(process.pid, tick)
        if found is not None:
            samples.append(found)
        time.sleep(1)
    if samples:
        start = samples[0][0]
        for at, cpu, anon, file, peak, threads in samples[:: max(1, len(samples) // 15)] + samples[-1:]:
            print(
                f"t={at - start:6.0f}s cpu={cpu:7.1f}s anon={anon:5d}MB file={file:5d}MB "
                f"hwm={peak:5d}MB threads={threads}"
            )
    print("exit", process.returncode)


if __name__ == "__main__":
    main()
