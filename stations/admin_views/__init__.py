"""The station's admin pages: the roster page, the week-of-shifts template, closures with their impact, pressure."""
