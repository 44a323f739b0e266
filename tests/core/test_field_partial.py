"""The shared form-field partial renders single checkboxes, checkbox groups and radios."""

from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    agree = forms.BooleanField(label="同意", widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    pick = forms.MultipleChoiceField(label="选择", choices=[("x", "甲"), ("y", "乙")],
                                     widget=forms.CheckboxSelectMultiple)
    one = forms.ChoiceField(label="单选", choices=[("x", "甲")], widget=forms.RadioSelect)


def _render(name: str, data=None) -> str:
    return render_to_string("partials/field.html", {"field": _Form(data)[name]})


def test_single_checkbox_has_its_label_beside_it():
    html = _render("agree")
    assert '<input type="checkbox" name="agree"' in html and 'for="id_agree">同意</label>' in html
    assert 'class="form-label' not in html


def test_groups_list_every_choice_and_errors_show():
    assert 'for="id_pick_0">甲</label>' in _render("pick") and 'for="id_pick_1">乙</label>' in _render("pick")
    html = _render("one", data={})
    assert 'for="id_one_0">甲</label>' in html and 'data-testid="error-one"' in html
