from datetime import date

from django_tasks import task

from fugong.problems import services


@task()
def sweep(as_of: str) -> dict:
    """Confirm long-resolved problems and escalate overdue ones as of `as_of`, an ISO date."""
    return services.problems_sweep(as_of=date.fromisoformat(as_of)).as_json()
