"""The evaluators' reports: response times and non-compliance, as HTML, CSV or JSON.

`build_latency` and `build_noncompliance` gather a report from the database;
`render` turns it into a document. Both the CLI (`alerts report …`) and the web
blueprint (`alerts.web.reports`) go through `produce`, which also records
every full (non-anonymised) export in the timeline.
"""
