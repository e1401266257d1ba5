"""The geolocation accuracy benchmark: labelled sets, the two locators, their scores and
the report. The entry point is `bench/geolocation_accuracy.py`."""
