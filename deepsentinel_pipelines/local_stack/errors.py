"""The error the embedded services raise when the user has to act (the message says how)."""


class ServiceError(RuntimeError):
    """An embedded service cannot start or is not running: a taken port, a service that exited."""
