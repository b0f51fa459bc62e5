"""The slot engine: what a station can offer, and whether one slot can still be booked.

- engine: the pure computation over sorted intervals (no ORM, no clock);
- roster: the officers' rules, shared with the assignment (bookings.assignment), over
  sorted intervals (intervals);
- availability: loads the inputs in a fixed number of queries (station_free_slots);
- holdback: slots a party freed minutes ago, held back from other buyers;
- booking_check: the one-slot check booking_create makes under the station's lock;
- cache: the pages' answers kept per station between the changes that alter them, which
  invalidation (model signals) and the services writing with update() report.
"""
