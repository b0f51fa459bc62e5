"""The station's change page: roster inlines, the week-of-shifts template, closures with their impact, pressure."""
