"""English as this service writes it: Django's, but with the 24-hour clock.

A Paris station read in English keeps the 24-hour clock ("June 11, 2026, 08:00", not "8 a.m.");
a US station's slot and booking times are written on the 12-hour clock by stations.clock, which
knows the station. Only the output of times changes: input formats stay Django's.
"""

DATETIME_FORMAT = "N j, Y, H:i"
TIME_FORMAT = "H:i"
