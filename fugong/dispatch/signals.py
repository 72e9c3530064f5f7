"""What dispatch tells the apps above it, inside the writing transaction."""

from django.dispatch import Signal

# Sent with `kind` ("daily", "weekly"), `creates` (new reports) and `updates` (new values of existing ones)
# before the reports are written, so that a receiver can still read the old values (the figures rollup).
reports_written = Signal()
