"""Benchmarks: a synthetic corpus (corpus.py) and the timed builds (run.py). See README.md here."""
