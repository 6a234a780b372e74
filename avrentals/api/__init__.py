"""The REST API (DESIGN §8): a thin FastAPI adapter over the domain services.

`create_api()` builds the app; the Reflex entry mounts it with `api_transformer`.
"""

from avrentals.api.app import create_api

__all__ = ["create_api"]
