"""The data page's forms: uploading files (with a GOV.UK date input for the as-at date), and publishing."""

from __future__ import annotations

import datetime as dt

from django import forms

from clearsight.warehouse.layout import is_la_code

ACCEPTED = ".xlsx,.csv,.xml,.parquet"  # a hint to the browser; the readers decide what they can read


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input, each checked as Django checks one (empty files are the readers' to
    report, by name)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(one, initial) for one in data]


class UploadForm(forms.Form):
    """The files, the date they describe (blank when they give their own), and the council's code when
    the data folder has no council yet."""

    files = MultipleFileField(
        allow_empty_file=True, error_messages={"required": "Select the files to upload"}
    )
    as_at_day = forms.CharField(required=False, label="Day")
    as_at_month = forms.CharField(required=False, label="Month")
    as_at_year = forms.CharField(required=False, label="Year")
    la_code = forms.CharField(
        required=False, error_messages={"required": "Enter the council's code, for example 926"}
    )

    def __init__(self, *args, ask_council: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ask_council = ask_council
        if ask_council:
            self.fields["la_code"].required = True
        else:
            del self.fields["la_code"]

    def clean_la_code(self) -> str:
        code = self.cleaned_data["la_code"].strip()
        if not is_la_code(code):
            raise forms.ValidationError(
                "Enter a council code of up to 32 letters, digits, hyphens or underscores, for example 926"
            )
        return code

    def clean(self) -> dict:
        data = super().clean()
        parts = [(data.get(f"as_at_{part}") or "").strip() for part in ("day", "month", "year")]
        data["as_at"] = None
        if not any(parts):
            return data
        missing = [name for name, value in zip(("day", "month", "year"), parts, strict=True) if not value]
        if missing:
            self.add_error("as_at_day", f"The as-at date must include a {' and '.join(missing)}")
            return data
        try:
            day, month, year = (int(value) for value in parts)
            as_at = dt.date(year, month, day) if len(parts[2]) == 4 else None
        except ValueError:
            as_at = None
        if as_at is None:
            self.add_error("as_at_day", "The as-at date must be a real date, for example 31 3 2025")
        elif as_at > dt.date.today():
            self.add_error("as_at_day", "The as-at date must be today or in the past")
        else:
            data["as_at"] = as_at
        return data

    def refuse(self, about: str, message: str) -> None:
        """Show a problem the checks found against the field to correct (`uploads.Refused.about`)."""
        field = {"as_at": "as_at_day", "la_code": "la_code" if self.ask_council else None}.get(about, "files")
        self.add_error(field, message)

    @property
    def as_at_errors(self) -> list[str]:
        return self.errors.get("as_at_day", [])

    @property
    def as_at_parts(self) -> list[tuple[forms.BoundField, int]]:
        """The date input's day, month and year, each with its width in characters (GOV.UK date input)."""
        return [(self["as_at_day"], 2), (self["as_at_month"], 2), (self["as_at_year"], 4)]


class PublishForm(forms.Form):
    """Publishing: with errors in the report, the analyst confirms that they have read them."""

    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, errors: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.error_total = errors
        if errors:
            self.fields["confirm"].required = True
            self.fields["confirm"].error_messages["required"] = (
                f"Confirm that you have read the {errors} error{'s' if errors != 1 else ''} before publishing"
            )
