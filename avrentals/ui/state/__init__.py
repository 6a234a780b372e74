"""Reflex states. Every public method is an event handler any client can call with any
arguments: each one validates its input and gets its Actor from `AuthState`."""
