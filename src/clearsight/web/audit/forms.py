from __future__ import annotations

from django import forms

from clearsight.web.audit.models import Action


class SearchForm(forms.Form):
    """The DPO's search of the access log; every field may be left blank."""

    username = forms.CharField(required=False, label="Username")
    child_id = forms.CharField(required=False, label="Child id")
    action = forms.ChoiceField(required=False, choices=[("", "Any"), *Action.choices], label="Action")
    since = forms.DateField(required=False, label="From (yyyy-mm-dd)")
    until = forms.DateField(required=False, label="To (yyyy-mm-dd)")
