"""A synthetic national corpus of annual reports with ground truth.

`python -m ingest.corpus --n 100000 --out DIR --seed 1` writes DIR/raw/* and
DIR/truth.json (the format of check_truth.py). Forms, rows and rules come from
`ingest/forms/*.yaml`; regions from the GB/T 2260 gazetteer.
"""

from ingest.corpus.generate import CorpusConfig, GeneratedReport, build_report, form_for_year
from ingest.corpus.writer import CorpusSummary, write_corpus

__all__ = ["CorpusConfig", "CorpusSummary", "GeneratedReport", "build_report", "form_for_year", "write_corpus"]
