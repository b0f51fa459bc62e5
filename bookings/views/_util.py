def posted(request):
    """The form data of a POST, or None for a GET: an empty POST is still a submission to validate."""
    return request.POST if request.method == "POST" else None
