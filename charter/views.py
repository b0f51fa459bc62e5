from django.http import Http404
from django.shortcuts import render

from .selectors import NoPublishedCharter, charter_current


def charter_page(request):
    try:
        version = charter_current()
    except NoPublishedCharter:
        raise Http404 from None
    return render(request, "charter/charter.html", {"version": version, "rules": version.rules.all()})
