"""The gazetteer: places alerts may name, imported from GeoNames dumps.

The mission network file's own places take precedence over anything imported
here; gazetteer imports never touch them. Nothing here is read at import time.
"""
