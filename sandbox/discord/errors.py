"""Discord's error answers, raised inside a route and turned into the response body by dispatch."""


class DiscordError(Exception):
    """Raised inside a route to answer with Discord's error body."""

    def __init__(self, status, message, code=0, errors=None, extra=None):
        super().__init__(message)
        self.status, self.message, self.code, self.errors = status, message, code, errors
        self.extra = extra or {}  # more fields of the body (a 429's retry_after and global)

    def body(self):
        body = {"message": self.message, "code": self.code, **self.extra}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def invalid_form(field_name, reason):
    errors = {field_name: {"_errors": [{"code": "BASE_TYPE_INVALID", "message": reason}]}}
    return DiscordError(400, "Invalid Form Body", 50035, errors)


def json_object(request):
    if not isinstance(request.json, dict):
        raise DiscordError(400, "Invalid Form Body", 50035, {"_errors": [{"code": "DICT_TYPE_CONVERT",
                                                                          "message": "Only dictionaries may be used in a DictType"}]})
    return request.json
