from django import forms
from django.core.exceptions import ValidationError

from fugong.core import bounds


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where the form has the field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


_INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def _is_bounded_id(model, to_field_name: str | None, value) -> bool:
    """False for a value that no integer key holds (beyond 64 bits, or not an integer at all)."""
    key = model._meta.get_field(to_field_name) if to_field_name else model._meta.pk
    if key.get_internal_type() not in _INTEGER_KEYS:
        return True
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 0 < int(text) <= bounds.ID_MAX


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing a key too large for the database before the query (SQLite's driver raises
    OverflowError on `pk IN (99999999999999999999)`): the field's own "not a valid value" error instead of a 500."""

    def _check_values(self, value):
        model = self.queryset.model  # type: ignore[union-attr]  # set by every form that uses the field
        for pk in value if isinstance(value, list | tuple) else []:
            if not _is_bounded_id(model, self.to_field_name, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)  # type: ignore[misc]  # Django's, missing from the stubs
