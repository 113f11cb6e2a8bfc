"""Benchmarks: figures at 100,000-row scale against a baseline measured in the same run.

Not part of the test suite and assert nothing about time; see ``bench/README.md``.
"""
