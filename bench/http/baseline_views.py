"""What a request costs with nothing but Django, the middleware and one query: the baselines of the ratios.

The same gunicorn, settings and middleware serve these and the product's pages; a
request to them carries no session cookie, so the one query below is the only one.
"""

from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

# Created by bench.http.dataset in the benchmark's own database; no model, no migration.
INSERT_TABLE = "bench_http_insert"

PAGE = engines["django"].from_string(
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Baseline</title></head><body>\n'
    "<ul>{% for number, digest in rows %}<li>{{ number }} {{ digest }}</li>\n{% endfor %}</ul>\n</body></html>\n"
)
# About the bytes one row adds to the page ("<li>123 " + 32 hex digits + "</li>" and a newline).
ROW_BYTES = 45
PAGE_FRAME_BYTES = 150


@csrf_exempt
@require_POST
def insert_one_row(request):
    """The booking POST's baseline: read the form, one INSERT, answer."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {INSERT_TABLE} (created_at, note) VALUES (now(), %s)",  # noqa: S608 - a constant
            [request.POST.get("note", "")[:200]],
        )
    return HttpResponse("ok", status=201)


@require_GET
def one_query_page(request):
    """The slot page's baseline: one query, then a template rendering a page of about ?bytes= bytes."""
    try:
        size = min(max(int(request.GET.get("bytes", "20000")), 500), 2_000_000)
    except ValueError:
        size = 20000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n, md5(n::text) FROM generate_series(1, %s) AS n",
            [max(1, (size - PAGE_FRAME_BYTES) // ROW_BYTES)],
        )
        rows = cursor.fetchall()
    return HttpResponse(PAGE.render({"rows": rows}))
