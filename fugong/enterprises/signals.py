"""What the registry tells the apps above it, inside the writing transaction."""

from django.dispatch import Signal

# Sent with `ids` after enterprises are created or changed (area, industry, duty, headcount, output):
# the figures rollup (analytics) moves their contribution before the transaction commits.
enterprises_changed = Signal()
