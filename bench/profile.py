"""Profile the overview in process with pyinstrument (or just time it).

python -m bench.profile --db sqlite --iterations 200 [--html out.html] [--no-profile]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import time
from pathlib import Path

from bench.common import Target, summary_ms
from bench.scenarios import overview


def _write(path: str, text: str) -> None:
    Path(path).write_text(text)


async def main_async(args: argparse.Namespace) -> None:
    from bench.inproc import InProcess

    target = Target.parse(args.db)
    app = InProcess(target)
    variables = itertools.cycle(overview.org_variables())
    try:
        for _ in range(args.warmup):
            await app.execute(overview.QUERY, next(variables))
        if args.freeze:
            gc.collect()
            gc.freeze()
        profiler = None
        if not args.no_profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005, async_mode="enabled")
            profiler.start()
        samples = []
        cpu_start = time.process_time()
        for _ in range(args.iterations):
            start = time.perf_counter()
            await app.execute(overview.QUERY, next(variables))
            samples.append(time.perf_counter() - start)
        cpu_ms = (time.process_time() - cpu_start) * 1000 / args.iterations
        if profiler is not None:
            profiler.stop()
            if args.html:
                _write(args.html, profiler.output_html())
            print(profiler.output_text(unicode=False, color=False, show_all=False))
        print({**summary_ms(samples), "cpu_ms_per_iteration": round(cpu_ms, 3)})
    finally:
        await app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--html")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() after warm-up")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
