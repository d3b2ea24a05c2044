from django.shortcuts import render

from enterprises.selectors import search_enterprises


def search(request):
    query = request.GET.get("q", "")
    results = search_enterprises(query) if query else None
    return render(
        request,
        "enterprises/search.html",
        {"query": query, "results": results, "help_slug": "lr-home"},
    )


def placeholder(request, **kwargs):
    return render(request, "portal/home.html")
