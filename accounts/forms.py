"""The buyer's name: asked at sign-up (allauth's ACCOUNT_SIGNUP_FORM_CLASS) and on the account page.

allauth builds its sign-up form on top of the class ACCOUNT_SIGNUP_FORM_CLASS names,
importing it while allauth.account.forms loads: this module must not import that one.
"""

from django import forms

from .names import first_name_field, last_name_field
from .services import user_names_set


class NamesForm(forms.Form):
    first_name = first_name_field()
    last_name = last_name_field()

    # Not save(): allauth's sign-up form, a subclass, has a save(request) of its own.
    def save_names(self, user):
        return user_names_set(
            user=user, first_name=self.cleaned_data["first_name"], last_name=self.cleaned_data["last_name"]
        )


class SignupNamesForm(NamesForm):
    """allauth's sign-up form extends this one: its fields come first, then email and password."""

    def signup(self, request, user):
        # allauth's adapter has saved the user already (its save_user copies
        # first_name and last_name too); the names are stored again through the
        # project's service, so one function decides what a stored name is.
        self.save_names(user)
