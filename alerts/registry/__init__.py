"""Who and where: missions, bases, units, contacts, places, and the phones of everyone who texts."""
