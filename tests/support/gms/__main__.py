"""Run the GMS stand-in on its own, for the benchmarks: `python -m tests.support.gms --port P`.

Besides the GMS endpoints it answers `GET /standin/stats` (requests seen, by endpoint, the
contract violations, entities held) and `POST /standin/reset`, which no GMS has and no
catalog-sync code calls: the benchmark reads them to count requests per API query.
"""

from __future__ import annotations

import argparse
import signal
import threading

from tests.support.gms.server import gms_standin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with gms_standin(port=args.port) as gms:
        print(gms.url, flush=True)
        done.wait()


if __name__ == "__main__":
    main()
