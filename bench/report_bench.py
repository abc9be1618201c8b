"""Report benchmark: how long the monthly PDF takes for a warehouse and month, step by step.

Times, on a read-only connection, each step of ``reports report``:

- gather: every figure (:func:`reports.report.gather`: the SLA summary, previous month, the
  7-month trend, per-section metrics),
- charts: the plotly figures exported with kaleido (one server for the run; its start is timed
  apart),
- html: the Jinja2 templates,
- pdf: WeasyPrint,

per language, and prints pages and size of each PDF. The demo month is the default; for the
10 M-request month use the warehouse ``bench/metrics_bench.py --scale 100`` builds.

Usage:
    python bench/report_bench.py --db /tmp/demo/w.duckdb --month 2026-10
    python bench/report_bench.py --db bench/out/metrics-scale100.duckdb --month 2026-10 --lang ko
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from reports import periods, report, warehouse
from reports.config import load_config
from reports.report import figures

CONFIG = Path(__file__).parent.parent / "reports.toml"
OUT = Path(__file__).parent / "out"


def _pages(pdf: Path) -> str:
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "?"
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return found.group(1) if found else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("REPORTS_DB", "data/warehouse.duckdb"), help="warehouse file")
    parser.add_argument("--month", default="2026-10", help="YYYY-MM (default: the demo month)")
    parser.add_argument("--config", default=str(CONFIG))
    parser.add_argument("--lang", choices=["ko", "en", "both"], default="both")
    parser.add_argument("--out", default=str(OUT), help="where the PDFs are written")
    args = parser.parse_args()

    if not Path(args.db).exists():
        print(f"Error: {args.db}: no such warehouse (build one with `reports demo` or bench/metrics_bench.py)",
              file=sys.stderr)
        return 2
    config = load_config(args.config)
    period = periods.month(args.month, config.report.timezone)
    langs = ["ko", "en"] if args.lang == "both" else [args.lang]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"# report_bench {args.db} {args.month} ({platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f})")

    con = warehouse.open_reader(args.db)
    try:
        t = time.perf_counter()
        ctx = report.gather(con, config, period)
        gather_s = time.perf_counter() - t
    finally:
        con.close()
    requests = next((o.get("samples") for o in ctx["summary"]["objectives"] if o["id"] == "error_rate"), None)
    print(f"gather          {gather_s:7.2f} s   ({requests or 0:,} requests in the month)")

    t = time.perf_counter()
    with figures.export_session():
        print(f"kaleido start   {time.perf_counter() - t:7.2f} s")
        for lang in langs:
            t = time.perf_counter()
            images = figures.build(ctx, "ko" if lang == "ko" else "en")
            charts_s = time.perf_counter() - t
            made = sum(1 for v in images.values() if v)
            t = time.perf_counter()
            html = report.html_from(ctx, lang, images=images)
            html_s = time.perf_counter() - t
            t = time.perf_counter()
            pdf = report.pdf_from(html, out / f"report-{args.month}-{lang}.pdf")
            pdf_s = time.perf_counter() - t
            total = charts_s + html_s + pdf_s
            print(f"[{lang}] charts   {charts_s:7.2f} s   ({made}/{len(images)} images)")
            print(f"[{lang}] html     {html_s:7.2f} s")
            print(f"[{lang}] pdf      {pdf_s:7.2f} s   ({_pages(pdf)} pages, {pdf.stat().st_size / 1e6:.1f} MB) {pdf}")
            print(f"[{lang}] total    {gather_s + total:7.2f} s   (gather + charts + html + pdf)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
