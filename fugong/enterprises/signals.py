"""What the registry tells the apps above it, inside the writing transaction."""

from django.dispatch import Signal

# Sent with `ids` after enterprises are created or changed (area, industry, duty, headcount, output):
# the figures rollup (analytics) moves their contribution before the transaction commits.
enterprises_changed = Signal()

# Sent with `ids` after enterprises moved to another county (and so perhaps league), after enterprises_changed:
# the apps that copy an enterprise's `league`/`county` onto their rows (reports, problems, referrals) make them
# follow, so that the new area's officials see them and the old area's no longer do.
enterprises_moved = Signal()

# Sent with `ids` after key projects moved to another county: their reports follow them (dispatch).
key_projects_moved = Signal()
