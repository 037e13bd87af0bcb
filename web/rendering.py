"""One template, two renderings: the whole page, or only the named block when htmx asks for it."""

from flask import current_app, make_response, render_template, request


def wants_fragment() -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def render_page(name: str, block: str, **context):
    context["fragment"] = wants_fragment()
    if context["fragment"]:
        template = current_app.jinja_env.get_template(name)
        current_app.update_template_context(context)
        html = "".join(template.blocks[block](template.new_context(context)))
    else:
        html = render_template(name, **context)
    response = make_response(html)
    response.vary.add("HX-Request")
    return response


def push_url_of_full_pages(response):
    """A page that htmx fetched whole (it selects a part) goes into the history under its own address, so
    Back and Forward return to the right question even after a POST that redirected."""
    if (wants_fragment() and request.headers.get("HX-Request-Type") == "full" and request.method == "GET"
            and response.status_code == 200):
        response.headers["HX-Push-Url"] = request.full_path.rstrip("?")
    return response
