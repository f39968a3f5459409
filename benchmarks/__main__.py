"""`python -m benchmarks`: every benchmark, one table (about six minutes on 2 cores)."""

from __future__ import annotations

import asyncio

from benchmarks import broadcast, export, report, stack


async def main() -> None:
    table = await stack.rows()
    figures = await broadcast.run(recipients=3000, rate=25, server_limit=30)
    table.append(
        (
            "broadcast 3,001 at 25/s, server 30/s",
            f"{figures.efficiency:.3f}",
            f"efficiency (target >= 0.9); {figures.duplicates} duplicates, "
            f"{figures.rate_limited} 429s, {figures.elapsed:.0f} s",
        )
    )
    seconds, stall = await export.measure(10_000)
    table.append(
        (
            "export 10,000 registrations",
            f"{seconds:.2f} s",
            f"CSV + XLSX (target < 2 s); longest loop stall {stall * 1000:.0f} ms",
        )
    )
    seconds, stall, _ = await report.measure()
    table.append(
        (
            "report: 40 seminars, 8,000 registrations",
            f"{seconds:.2f} s",
            f"XLSX + DOCX (target < 3 s); longest loop stall {stall * 1000:.0f} ms (target <= 200)",
        )
    )
    stack.print_table(table)


if __name__ == "__main__":
    asyncio.run(main())
