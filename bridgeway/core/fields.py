"""Model fields whose text is encrypted at rest (decision 0020, keys as in decision 0013).

`EncryptedTextField` (a text area in forms) and `EncryptedCharField` (a one-line input) store a
Fernet token of the text under the newest `BRIDGEWAY_FIELD_KEYS` key and give back the plain
text on every read (instances, `values()`, `values_list()`). The column is always `text`: a
token is about 1.4 times the size of the UTF-8 text plus 73 characters, so `max_length`
bounds the plain text (model and form validation, decision 0016), not the column.

The database only ever sees tokens, so it cannot compare, search or sort the text. Rather than
give a silently wrong answer, such queries fail when they are built: any lookup other than
`isnull` and equality with the empty string (an empty note is stored empty, so "has a note"
still works), and any ORDER BY on the field, raise `FieldError`. Sort, search or group such
text in Python after reading it.
Database functions over the column (`Length`, `Lower`) are not caught: none is used on
these fields (decision 0020 says how that was checked), and review keeps it so.

A token no configured key opens (a key removed before the rotation finished) reads as an
`UnreadableText`: the page shows that the text cannot be read instead of failing, and saving
the row writes the original token back unchanged, so nothing is lost once the key returns.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core import validators
from django.core.exceptions import FieldError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, IsNull
from django.utils.translation import gettext

from bridgeway.core import crypto

LONG_TEXT = 4000  # a note, a background, a reflection: about two pages (decision 0016)
NOTE = 2000  # an entry or a description
SHORT_NOTE = 500  # a line or two: an alert's or a status change's note


class UnreadableText(str):
    """Stands for a token that no configured key opens; keeps the token so a save keeps it."""

    token: str

    def __new__(cls, token: str) -> UnreadableText:
        text = super().__new__(cls, gettext("(This text cannot be read: its encryption key is "
                                            "not configured.)"))
        text.token = token
        return text


class EmptyOnlyExact(Exact):
    """`field=""` (is the text empty?) works on ciphertext; equality with any text cannot."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            raise FieldError(f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is "
                             "encrypted: it can only be compared with the empty string.")
        return super().get_prep_lookup()


class EncryptedCol(Col):
    """The field's column; refuses to be sorted (tokens sort in a random order)."""

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        # Django resolves a lookup's left side with the query alone (get_lookup has already
        # refused what cannot work), but an ORDER BY term with the full argument list (query,
        # allow_joins, reuse, summarize): the database would then sort ciphertext.
        # tests/core/test_encrypted_fields.py fails if a Django upgrade changes either.
        if len(args) + len(kwargs) <= 1:
            return super().resolve_expression(*args, **kwargs)
        raise FieldError(f"{self.target.model.__name__}.{self.target.name} is encrypted: "
                         "the database cannot sort it. Sort in Python after reading.")


class EncryptedMixin(models.Field):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def get_internal_type(self) -> str:
        return "TextField"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EmptyOnlyExact
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: the database "
                         f"cannot run '{lookup_name}' on it.")

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: the database "
                         f"cannot run '{lookup_name}' on it.")

    def get_col(self, alias: str, output_field: Any = None) -> Col:
        if output_field is None:
            output_field = self
        return EncryptedCol(alias, self, output_field)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, UnreadableText):
            return value.token
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def from_db_value(self, value: str | None, _expression: Any, _connection: Any) -> str | None:
        if not value:
            return value
        try:
            return crypto.decrypt(value)
        except crypto.InvalidToken:
            return UnreadableText(value)


class EncryptedTextField(EncryptedMixin, models.TextField):
    description = "Text encrypted at rest"


class EncryptedCharField(EncryptedMixin, models.TextField):
    """One line in forms (like a CharField), a `text` column holding its token."""

    description = "A line of text encrypted at rest"

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms  # noqa: PLC0415 — forms are only needed when a form is built

        return super().formfield(**{"widget": forms.TextInput, **kwargs})


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """JSON (a snapshot of encrypted fields, e.g. a contact's replaced values) kept as the token
    of its JSON text. A value no key opens reads as {} (such rows are never saved again)."""

    description = "JSON encrypted at rest"
    if TYPE_CHECKING:  # django-stubs types the attribute like a JSONField's, not a str
        _pyi_private_set_type: Any
        _pyi_private_get_type: Any

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))

    def from_db_value(self, value: str | None, _expression: Any, _connection: Any) -> Any:
        if value is None:
            return None
        try:
            return json.loads(crypto.decrypt(value))
        except crypto.InvalidToken:
            return {}

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> Any:
        return self.value_from_object(obj)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedMixin]:
    """The model's own encrypted fields (for rotation and the privacy report)."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
