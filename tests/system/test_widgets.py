from django import forms

from patron.system.widgets import LongSelect


class CountryForm(forms.Form):
    country = forms.ChoiceField(
        choices=[("", "—"), ("BE", "Belgique"), ("XX", "<b>Hostile</b> & co")],
        required=False,
        widget=LongSelect,
    )


def test_a_long_select_renders_like_django_s_own():
    html = str(CountryForm({"country": "BE"})["country"])
    assert html.startswith('<select id="id_country" name="country">')
    assert '<option value="BE" selected>Belgique</option>' in html
    assert '<option value="" >' not in html and '<option value="">—</option>' in html
    assert "&lt;b&gt;Hostile&lt;/b&gt; &amp; co" in html and "<b>" not in html


def test_a_long_select_marks_an_invalid_choice_for_assistive_technology():
    form = CountryForm({"country": "ZZ"})
    assert not form.is_valid()
    assert 'aria-invalid="true"' in str(form["country"])
    assert " selected" not in str(form["country"])
