"""core.views.post_form_action: the POST → service → message shape shared by button forms."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import Http404
from django.test import RequestFactory

from anjian.core.errors import DomainError, NotFoundInScope
from anjian.core.views import post_form_action


class NoteForm(forms.Form):
    note = forms.CharField(max_length=10)


def _request(data: dict[str, str]):
    request = RequestFactory().post("/x/", data)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_success_calls_the_service_with_cleaned_data_and_says_so():
    request = _request({"note": "ok"})
    seen = []
    assert post_form_action(request, NoteForm(request.POST), lambda d: seen.append(d["note"]) or 7,
                            lambda n: f"done {n}")
    assert seen == ["ok"]
    assert _said(request) == [("success", "done 7")]


def test_invalid_form_does_not_call_the_service():
    request = _request({"note": "much too long for the field"})
    called = []
    assert not post_form_action(request, NoteForm(request.POST), called.append, "done")
    assert called == []
    [(level, text)] = _said(request)
    assert level == "error" and "note" in text


def test_refusal_becomes_an_error_message():
    request = _request({"note": "ok"})

    def refuse(d):
        raise DomainError("不可以", "Not allowed")

    assert not post_form_action(request, NoteForm(request.POST), refuse, "done")
    assert _said(request)[0][0] == "error"


def test_out_of_scope_is_a_404():
    request = _request({"note": "ok"})

    def gone(d):
        raise NotFoundInScope()

    with pytest.raises(Http404):
        post_form_action(request, NoteForm(request.POST), gone, "done")
