"""Place names in alerts: normalising, indexing, finding, offsetting and ranking them.

`alerts.domain.geolocation.geolocate` is the entry point; these modules are its parts.
"""
