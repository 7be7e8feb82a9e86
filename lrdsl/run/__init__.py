"""A schedule bound to one run: the resolved run, bound schedules, schedule sets on one clock."""
