"""Plain-Python parsing of government information disclosure annual reports.

No Dagster imports here: everything is callable from a notebook or a test.
"""

PARSER_VERSION = "0.1.0"
