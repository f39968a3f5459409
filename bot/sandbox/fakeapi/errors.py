"""Bot API error responses as exceptions, shaped like Telegram's JSON error bodies."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the fake server answers with instead of a result.

    ``injected`` marks errors caused on purpose by a test (blocked user, rate limit,
    ``fail_next``), so :meth:`FakeBotAPI.assert_no_rejections` can tell them apart
    from requests the bot got wrong.
    """

    def __init__(
        self,
        status: int,
        description: str,
        *,
        parameters: dict[str, Any] | None = None,
        injected: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.injected = injected

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def not_found() -> ApiError:
    return ApiError(404, "Not Found: method not found")


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized")


def forbidden(detail: str, *, injected: bool = False) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}", injected=injected)


def conflict(detail: str) -> ApiError:
    return ApiError(409, f"Conflict: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        parameters={"retry_after": retry_after},
        injected=True,
    )
