"""Correlation: one incident per real event out of a burst of reports.

`decide` says which incident a report joins (or that it opens one, or
continues a closed one) as a value for the event log; `absorb` updates the
incident's summary; `cells` gives the spatial-temporal key the database and
`CellTimeIndex` file incidents under, so the cost per report does not grow
with history.
"""
