"""Domain layer: models, rules and services. Never imports Reflex or FastAPI."""
