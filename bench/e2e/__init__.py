"""The end-to-end benchmark: SMS in, tasking SMS accepted by the sandbox, per stage.

`python -m bench.e2e` runs it (this package's `__main__`): a package and a
`bench/e2e.py` module of the same name cannot both be imported, so the entry
point lives here.
"""
