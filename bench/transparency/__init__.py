"""The pieces of bench/log_appends.py and bench/log_verify.py: the old hash chain as the
baseline, the writer and sequencer processes, the million-event log, the charts."""
