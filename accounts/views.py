"""The buyer's account page: the name the seller and the station's desk see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import NamesForm


@login_required
@require_http_methods(["GET", "POST"])
def my_account(request):
    user = request.user
    form = NamesForm(
        request.POST if request.method == "POST" else None,
        initial={"first_name": user.first_name, "last_name": user.last_name},
    )
    if form.is_valid():
        form.save_names(user)
        messages.success(request, _("Your name is saved."))
        return redirect("accounts:mine")
    return render(
        request,
        "accounts/my_account.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
