"""Plain-Python parsing of government information disclosure annual reports.

No Dagster imports here: everything is callable from a notebook or a test.
"""

# Bump whenever a change to decoding, normalisation or a parser may change what is
# read: the next run re-parses every landed report under the new version (the old
# version's rows stay; docs/operations.md, "New parser version").
PARSER_VERSION = "0.8.7"
