"""The tools over a schedule: explain, lint, compare, plot, notebook display, recorded curves."""
