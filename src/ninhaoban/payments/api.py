"""The payment platforms' notification endpoints (the `notify_url` each order names).

They answer the platform in its own dialect (WeChat Pay: 204 or a FAIL object; Alipay:
`success`/`fail`; UnionPay: `ok`): a forged or unreadable notification gets a refusal, a
verified one an acknowledgement whatever it changed, so the platform stops resending it.
"""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from ninhaoban.payments.services import handle_notification

router = Router(tags=["payments"])


@router.post("/notify/{provider}", auth=None, include_in_schema=True)
def notify(request: HttpRequest, provider: str) -> HttpResponse:
    """A payment platform's signed notification about an order or a refund."""
    status, content_type, body = handle_notification(provider, request.headers, request.body)
    return HttpResponse(body, status=status, content_type=content_type)
