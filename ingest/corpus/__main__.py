"""CLI: python -m ingest.corpus --n 100000 --out DIR --seed 1 [--clean] [--workers K]."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, replace
from pathlib import Path

from ingest.corpus.generate import CorpusConfig
from ingest.corpus.writer import write_corpus


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m ingest.corpus", description=__doc__)
    ap.add_argument("--n", type=int, required=True, help="number of reports")
    ap.add_argument("--out", type=Path, required=True, help="output folder (reports go to OUT/raw)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    ap.add_argument("--clean", action="store_true", help="no damage and no injected inconsistencies")
    ap.add_argument("--narrative-share", type=float, default=None)
    ap.add_argument("--inconsistency-rate", type=float, default=None)
    ap.add_argument("--damage-rate", type=float, default=None, help="share of table reports with damaged lines")
    args = ap.parse_args(argv)
    config = CorpusConfig.clean() if args.clean else CorpusConfig()
    overrides = {k: v for k, v in (("narrative_share", args.narrative_share),
                                   ("inconsistency_rate", args.inconsistency_rate),
                                   ("table_damage_rate", args.damage_rate)) if v is not None}
    config = replace(config, **overrides)
    summary = write_corpus(args.n, args.out, args.seed, args.workers, config)
    print(json.dumps(asdict(summary), ensure_ascii=False))


if __name__ == "__main__":
    main()
