"""Lambda's events as AWS sends them: function URL (payload 2.0), API Gateway REST (1.0), EventBridge
schedules; and Discord's signed headers for the interactions they carry."""
import base64
import time

from tests import interactions as ix
from tests.lambda_package import FUNCTION_NAME, STAGE


def signed_headers(signing_key, body: bytes, timestamp=None):
    """Discord's headers, in odd case: function URLs lowercase names, API Gateway keeps what came."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = signing_key.sign(timestamp.encode() + body).signature.hex()
    return {"X-SIGNATURE-ED25519": signature, "x-Signature-Timestamp": timestamp,
            "CONTENT-type": "application/json", "User-Agent": "Discord-Interactions/1.0 (+https://discord.com)"}


def function_url_event(body, headers, *, encode=False, method="POST", path="/interactions"):
    """A Lambda function URL event (payload format 2.0)."""
    event = {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
        "headers": {**headers, "host": "abcdefghij.lambda-url.us-east-1.on.aws", "x-forwarded-proto": "https",
                    "x-forwarded-for": "203.0.113.9", "x-forwarded-port": "443",
                    "x-amzn-trace-id": "Root=1-00000000-000000000000000000000000"},
        "requestContext": {
            "accountId": "anonymous", "apiId": "abcdefghij", "domainName": "abcdefghij.lambda-url.us-east-1.on.aws",
            "domainPrefix": "abcdefghij", "requestId": "c0ffee00-0000-4000-8000-000000000001",
            "routeKey": "$default", "stage": "$default", "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 1767225600000,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9",
                     "userAgent": "Discord-Interactions/1.0 (+https://discord.com)"}},
        "isBase64Encoded": encode,
    }
    if body is not None:
        event["body"] = base64.b64encode(body).decode() if encode else body.decode()
    return event


def rest_api_event(body, headers, *, encode=False, method="POST", path="/interactions"):
    """An API Gateway REST API proxy event (payload format 1.0)."""
    headers = {**headers, "Host": "abc123defg.execute-api.us-east-1.amazonaws.com", "X-Forwarded-Proto": "https",
               "X-Forwarded-For": "203.0.113.9, 130.176.0.1", "X-Forwarded-Port": "443"}
    event = {
        "resource": "/{proxy+}", "path": path, "httpMethod": method, "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")}, "stageVariables": None,
        "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": method, "path": f"/{STAGE}{path}",
                           "stage": STAGE, "requestId": "c0ffee00-0000-4000-8000-000000000002",
                           "accountId": "123456789012", "apiId": "abc123defg",
                           "identity": {"sourceIp": "203.0.113.9", "userAgent": "Discord-Interactions/1.0"}},
        "isBase64Encoded": encode,
    }
    event["body"] = None if body is None else (base64.b64encode(body).decode() if encode else body.decode())
    return event


def scheduled_event(function: str) -> dict:
    """What EventBridge sends for a Zappa `events` entry; Zappa names the rule `<function name>-<function>`."""
    return {"version": "0", "id": "5e1f5e1f-0000-4000-8000-000000000003", "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "123456789012", "time": "2026-01-01T00:00:00Z",
            "region": "us-east-1", "detail": {},
            "resources": [f"arn:aws:events:us-east-1:123456789012:rule/{FUNCTION_NAME}-{function}"]}


def ping() -> dict:
    interaction_id = ix.snowflake()
    return {"id": interaction_id, "application_id": ix.BOT_ID, "type": 1, "token": f"token-{interaction_id}",
            "version": 1}
