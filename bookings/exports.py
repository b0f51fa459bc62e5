"""CSV exports that are safe to open in a spreadsheet.

Excel, LibreOffice Calc and Google Sheets run a cell whose text starts with "=", "+",
"-", "@", a tab or a carriage return as a formula (CSV injection, OWASP): an officer
badge "=HYPERLINK(...)" in the statistics export would become a link, clicked by the
station chief, that sends the sheet's figures wherever its author likes. Every CSV
the project writes goes through csv_writer() (tests/bookings/test_exports.py fails if
a module calls csv.writer itself), which puts a single quote before such text: the
spreadsheets' own "this is text" mark, not displayed.

Numbers (int, float, Decimal) are written as they are, so a negative count or a
number of minutes stays a number the sheet can add up. Anything else is text, and
text is neutralised even when it looks like a number ("-5" becomes "'-5", which the
sheet shows as -5): the exports pass their figures as numbers, so a number in a
string came from somewhere else, and a "looks numeric" exception is where a formula
could slip through.
"""

import csv
from numbers import Number

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet will read it as data, never as a formula."""
    if value is None or isinstance(value, Number):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class SafeCsvWriter:
    """csv.writer's writerow/writerows, each cell passed through safe_cell()."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, **options) -> SafeCsvWriter:
    return SafeCsvWriter(file, **options)
