from django_tasks import task

from fugong.core import imports


@task()
def commit_import(*, batch_id: str, module: str, user_id: int) -> dict:
    """Save a large import batch in the background (imports.batch_commit_start enqueues it)."""
    return imports.batch_commit_run(batch_id=batch_id, module=module, user_id=user_id)
