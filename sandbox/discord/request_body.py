"""A request as the fake records it, with its body read the way Discord reads it."""
import email.parser
import email.policy
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from requests.structures import CaseInsensitiveDict


@dataclass
class Recorded:
    method: str
    path: str  # without the /api/v10 prefix; CDN requests keep their /cdn prefix
    query: dict
    headers: CaseInsensitiveDict
    json: object
    files: list  # (field, filename, content_type, bytes)
    body: bytes
    form: dict = field(default_factory=dict)  # application/x-www-form-urlencoded fields (OAuth2)
    arrived: float = 0.0  # time.monotonic() when the fake read it
    status: int = 0  # the status the fake answered with


def parse_multipart(content_type, body):
    """Discord's multipart shape: a payload_json part plus files[n] parts."""
    raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    payload, fields, files = None, {}, []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files.append((name, part.get_filename(), part.get_content_type(), data))
        elif name == "payload_json":
            payload = json.loads(data)
        else:
            fields[name] = data.decode()
    return (payload if payload is not None else (fields or None)), files


def read_body(request, content_type):
    """Fills request.json / files / form from the raw body the way Discord reads it."""
    if not request.body:
        return
    if content_type.startswith("multipart/form-data"):
        request.json, request.files = parse_multipart(content_type, request.body)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        request.form = dict(parse_qsl(request.body.decode()))
    else:
        request.json = json.loads(request.body)
